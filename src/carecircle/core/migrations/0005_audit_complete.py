# Audit rows cannot be deleted on SQLite or PostgreSQL (issue 13 item 7).
#
# 0002 refused UPDATE on both and DELETE on PostgreSQL, but left DELETE open on SQLite (so that test
# databases could be flushed) and TRUNCATE open on PostgreSQL. Here:
# - SQLite: a DELETE trigger refuses unless the connection has registered the SQL function
#   carecircle_audit_purge() returning 1. A function cannot be made with SQL, only by the program
#   that opened the connection: the application never does it, except inside
#   core.audit.purge_allowed(), which only `carecircle generate --fresh` (empties a generated city)
#   and the test suite's flush between transactional tests use. Any other connection — the web
#   process, a hand-written query, the sqlite3 shell — gets an error.
# - PostgreSQL: DELETE stays refused always (0002); TRUNCATE is refused unless the session has set
#   carecircle.audit_purge to 'on' (the same purge_allowed()).
from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION carecircle_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('carecircle.audit_purge', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'audit rows are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION carecircle_audit_no_truncate();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS carecircle_audit_no_truncate();
"""

SQLITE_FORWARD = """
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
WHEN carecircle_audit_purge() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS core_auditevent_no_delete;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_organisation_kind")]
    operations = [migrations.RunPython(forward, backward)]
