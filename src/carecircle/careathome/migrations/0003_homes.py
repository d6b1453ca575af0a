from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("careathome", "0002_ltc")]

    operations = []
