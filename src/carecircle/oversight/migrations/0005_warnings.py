# Reserved in the migration chain so that parallel work on oversight can land in any order; its
# operations are filled in by the work it is named for.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("oversight", "0004_credit")]

    operations: list[migrations.operations.base.Operation] = []
