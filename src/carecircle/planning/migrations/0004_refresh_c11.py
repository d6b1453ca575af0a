"""The seeds' indicators refreshed in every database: C11 (托育从业人员持证上岗率, Hangzhou 二(二)3,
Qujing 三(五)2) is now computed from the workforce register's childcare staff and their valid
certificates instead of entered by hand (planning/reference.py is idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from carecircle.planning.reference import load as load_defaults  # noqa: PLC0415 — at migration time

    load_defaults(
        apps.get_model("planning", "Indicator"),
        apps.get_model("planning", "IndicatorTarget"),
        apps.get_model("planning", "IndicatorValue"),
    )


class Migration(migrations.Migration):
    dependencies = [("planning", "0003_refresh_indicators")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
