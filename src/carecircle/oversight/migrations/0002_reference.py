"""The default inspection-item list and sampling shares in every database (oversight/reference.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from carecircle.oversight.reference import load as load_defaults

    load_defaults(apps.get_model("oversight", "InspectionItem"), apps.get_model("oversight", "SamplingShare"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
