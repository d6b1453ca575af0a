"""Shared set-up for benchmarks: a throw-away data folder and database, Django ready."""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

# The benchmarks' databases are throw-away (or reused with --reuse across runs): one fixed vault key,
# as the tests have; a deployment's key is its own (docs/operations.md, "Backup, restore and keys").
BENCH_VAULT_KEY = "bench-vault-key-not-for-production"


def django_ready(database_url: str | None = None, *, flush: bool = True) -> Path:
    """Django set up on a throw-away data folder and the database named by `database_url` (SQLite in
    that folder by default), migrated; a PostgreSQL database is emptied first unless not `flush` (a
    benchmark that reuses the city an earlier one built there)."""
    home = Path(tempfile.mkdtemp(prefix="carecircle-bench-"))
    os.environ["CARECIRCLE_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    os.environ.setdefault("CARECIRCLE_VAULT_KEY", BENCH_VAULT_KEY)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        if database_url.startswith("postgres"):
            postgres_database(database_url, fresh=False)
    import django
    from django.core.management import call_command

    django.setup()
    if flush and database_url and database_url.startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", interactive=False, verbosity=0)
    return home


def postgres_database(url: str, *, fresh: bool) -> None:
    """Make the benchmark's PostgreSQL database named by `url`: dropped and made afresh (`fresh`: a
    flush stops at the append-only audit table), or made only when it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = sql.Identifier(parts.path.lstrip("/"))
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        elif conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def fresh_postgres(url: str) -> None:
    """Drop and create the throw-away PostgreSQL database named by `url`."""
    postgres_database(url, fresh=True)


def _has_tables() -> bool:
    from django.db import connection

    return "core_region" in connection.introspection.table_names()
