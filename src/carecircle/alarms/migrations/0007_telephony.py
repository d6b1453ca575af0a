# Reserved in the migration chain so that parallel work on alarms can land in any order; its
# operations are filled in by the work it is named for.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("alarms", "0006_device_care")]

    operations: list[migrations.operations.base.Operation] = []
