from django.db import migrations

# Whole-population rules (payroll, visit plans, indicators) select people by birth date and read
# only a few narrow columns. On PostgreSQL a covering index lets those scans stay in the index
# instead of reading the wide person rows with their encrypted fields. SQLite has no INCLUDE.
FORWARD = (
    "CREATE INDEX IF NOT EXISTS person_birth_covering ON registry_person (birth_date) "
    "INCLUDE (id, region_code, sex, household_id)"
)
BACKWARD = "DROP INDEX IF EXISTS person_birth_covering"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
