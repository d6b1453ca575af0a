# Reserved for: sign-in (issue 13 item 2). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = []
