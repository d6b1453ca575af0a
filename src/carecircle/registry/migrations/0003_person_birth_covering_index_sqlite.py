from django.db import migrations

# SQLite's form of 0002's covering index: SQLite has no INCLUDE, but an index that holds every
# column a scan reads (the row id comes with every entry) serves it alone. Whole-population rules
# (the payroll) then stay in the index instead of reading the wide person rows in birth-date,
# i.e. random, order: the full-city payroll took 16.5 s warm and 265 s with a cold page cache
# without it, 8.8 s and 42 s with it (docs/benefits.md, Performance). It costs generation about a
# tenth of its speed on SQLite (7,000–7,700 against 6,000–7,000 people a second at scale 0.05).
FORWARD = (
    "CREATE INDEX IF NOT EXISTS person_birth_covering ON registry_person "
    "(birth_date, region_code, sex, household_id)"
)
BACKWARD = "DROP INDEX IF EXISTS person_birth_covering"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_birth_covering_index")]
    operations = [migrations.RunPython(forward, backward)]
