# Reserved for: organisation kinds on grants (issue 13 item 3). Holds no operations until that work lands.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0003_signin_throttle")]
    operations = []
