# Reserved for: upload retention (issue 13 item 6). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_import_job_heartbeat")]
    operations = []
