"""The seeds' indicators, their targets and Hangzhou's published 2021 values in every database
(planning/reference.py; only the demo loaded them before)."""

from django.db import migrations


def load(apps, schema_editor):
    from carecircle.planning.reference import load as load_defaults

    load_defaults(
        apps.get_model("planning", "Indicator"),
        apps.get_model("planning", "IndicatorTarget"),
        apps.get_model("planning", "IndicatorValue"),
    )


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
