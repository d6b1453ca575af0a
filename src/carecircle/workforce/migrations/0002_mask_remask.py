# Issue 13 (High 1): caregivers' masked phones follow core/vault.py (at least 4 digits hidden).

from django.db import migrations


def remask(apps, schema_editor):
    from carecircle.core.vault import remask_phones

    remask_phones(apps.get_model("workforce", "Caregiver"))


class Migration(migrations.Migration):

    dependencies = [
        ('workforce', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]
