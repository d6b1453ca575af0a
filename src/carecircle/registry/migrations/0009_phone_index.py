# Issue 18, item 5 (caller screen-pop): a blind index of every person's and family contact's phone,
# so that a caller's number finds them without decrypting anything (core/vault.py: phone_index).
# New and changed rows get it on save (registry/models.py) and in the bulk paths; this fills the
# rows that exist.

from django.db import migrations, models


def fill_phone_indexes(model, batch=2000):
    """Compute the phone index of every row of `model` whose stored index differs; returns how many
    rows changed. Resumable and idempotent (a second run changes nothing). One UPDATE statement per
    batch through executemany (bulk_update's CASE expression is quadratic in the batch)."""
    from django.db import connections, transaction

    from carecircle.core.vault import phone_index

    using = model._default_manager.db
    connection = connections[using]
    table, pk_column = (connection.ops.quote_name(n) for n in (model._meta.db_table, model._meta.pk.column))
    last, changed = 0, 0
    while True:
        rows = list(
            model._default_manager.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "phone", "phone_index")[:batch]
        )
        if not rows:
            return changed
        last = rows[-1][0]
        fixed = [(index, pk) for pk, phone, old in rows if (index := phone_index(phone)) != old]
        if fixed:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET phone_index = %s WHERE {pk_column} = %s", fixed)
            changed += len(fixed)


def fill(apps, schema_editor):
    for name in ("Person", "FamilyContact"):
        fill_phone_indexes(apps.get_model("registry", name))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_guardianship_assessment"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="phone_index",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="familycontact",
            name="phone_index",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
