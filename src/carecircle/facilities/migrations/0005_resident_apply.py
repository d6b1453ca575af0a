from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("facilities", "0004_seed_citations")]

    operations = []
