from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("careathome", "0003_homes")]

    operations = []
