# Issue 13 (High 1): an order's masked service address follows core/vault.py (no character of it).

from django.db import migrations


def remask(apps, schema_editor):
    from carecircle.core.vault import MASKED_ADDRESS

    apps.get_model("homecare", "Order").objects.exclude(address_masked__in=["", MASKED_ADDRESS]).update(
        address_masked=MASKED_ADDRESS)


class Migration(migrations.Migration):

    dependencies = [
        ('homecare', '0006_checkin_window'),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]
