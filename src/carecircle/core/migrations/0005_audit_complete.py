# Reserved for: audit completeness (issue 13 item 7). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0004_organisation_kind")]
    operations = []
