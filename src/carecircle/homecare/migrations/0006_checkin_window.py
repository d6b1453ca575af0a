# Reserved for: check-in window (issue 13 item 8). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("homecare", "0005_ledger_postings")]
    operations = []
