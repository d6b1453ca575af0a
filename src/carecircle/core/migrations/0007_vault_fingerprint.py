# Reserved for: vault key fingerprint (issue 14 item 3). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_task_leases")]
    operations = []
