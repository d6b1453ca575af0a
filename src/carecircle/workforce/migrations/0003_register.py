from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workforce", "0002_mask_remask")]

    operations = []
