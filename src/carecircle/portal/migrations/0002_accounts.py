# Reserved in the migration chain so that parallel work on the portal can land in any order; the
# residents' accounts and links fill it in.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
