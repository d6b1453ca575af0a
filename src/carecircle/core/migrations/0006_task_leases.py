# Reserved for: periodic task leases (issue 14 item 1). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_complete")]
    operations = []
