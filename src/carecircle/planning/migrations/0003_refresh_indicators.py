"""The seeds' indicators refreshed in every database: E44 (居家适老化改造户数, Qujing 二(二)) is now
computed from care at home's paid adaptation cases instead of entered by hand (planning/reference.py
is idempotent: codes and (indicator, region, year) are unique)."""

from django.db import migrations


def load(apps, schema_editor):
    from carecircle.planning.reference import load as load_defaults

    load_defaults(
        apps.get_model("planning", "Indicator"),
        apps.get_model("planning", "IndicatorTarget"),
        apps.get_model("planning", "IndicatorValue"),
    )


class Migration(migrations.Migration):
    dependencies = [("planning", "0002_seed_indicators")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
