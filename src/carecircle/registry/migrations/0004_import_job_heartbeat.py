# Reserved for: import job heartbeat (issue 14 item 2). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_birth_covering_index_sqlite")]
    operations = []
