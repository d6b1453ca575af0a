from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("oversight", "0006_public")]

    operations = []
