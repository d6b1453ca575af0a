# Issue 13 (High 1): the stored masked copies follow the masking rule of core/vault.py — an ID number
# shows its first 6 digits only, an address no character, a phone at least 4 hidden digits.

from django.db import migrations


def remask(apps, schema_editor):
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from carecircle.core.vault import ID_SHOWN_DIGITS, MASKED_ADDRESS, remask_phones

    Person = apps.get_model("registry", "Person")
    for length in (18, 15):  # the second-generation number, and the old 15-digit one
        Person.objects.filter(id_masked__regex=rf"^.{{{length}}}$").update(
            id_masked=Concat(Substr("id_masked", 1, ID_SHOWN_DIGITS), Value("*" * (length - ID_SHOWN_DIGITS))))
    for name in ("Person", "Household"):
        apps.get_model("registry", name).objects.exclude(address_masked__in=["", MASKED_ADDRESS]).update(
            address_masked=MASKED_ADDRESS)
    remask_phones(Person)
    remask_phones(apps.get_model("registry", "FamilyContact"))


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_upload_retention'),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]
