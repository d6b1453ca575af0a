from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workforce", "0003_register")]

    operations = []
