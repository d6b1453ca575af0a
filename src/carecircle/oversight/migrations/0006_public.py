from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("oversight", "0005_warnings")]

    operations = []
