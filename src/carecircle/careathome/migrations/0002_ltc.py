from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("careathome", "0001_initial")]

    operations = []
