from django.db import migrations


def load(apps, schema_editor):
    from carecircle.homecare.catalogue import catalogue_sync

    catalogue_sync(apps.get_model("homecare", "ServiceCategory"), apps.get_model("homecare", "ServiceItem"))


class Migration(migrations.Migration):
    dependencies = [("homecare", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
