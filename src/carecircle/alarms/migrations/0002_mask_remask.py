# Issue 13 (High 1): a responder's masked phone is a copy of its family contact's; recompute it from
# the contact's encrypted phone (core/vault.py: at least 4 digits hidden), or hide it all when the
# contact is gone.

from django.db import migrations


def remask(apps, schema_editor):
    from carecircle.core.vault import mask_phone

    Responder = apps.get_model("alarms", "Responder")
    for r in Responder.objects.exclude(phone_masked="").select_related("contact").iterator(chunk_size=2000):
        new = mask_phone(r.contact.phone) if r.contact is not None else "*" * len(r.phone_masked)
        if new != r.phone_masked:
            Responder.objects.filter(pk=r.pk).update(phone_masked=new)


class Migration(migrations.Migration):

    dependencies = [
        ('alarms', '0001_initial'),
        ('registry', '0006_mask_remask'),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]
