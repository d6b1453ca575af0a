"""Backup and restore as commands (issue 14, item 4; the finding High 2).

The finding: the restore of a data folder without its vault key ran under a new key; the people
imported again became new records (50 of 50) and the next payroll paid them twice. Here: a backup
holds no key; a restore refuses a missing or different key before it writes anything; a restore
with the right key round-trips on SQLite and PostgreSQL, and importing the same people again
afterwards creates no one.
"""

import csv
import datetime
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from carecircle.core import backup, keyring, vault
from carecircle.registry.imports import COLUMNS
from carecircle.registry.models import ImportJob, Person
from tests.conftest import COMMUNITY_A, id_number
from tests.core.test_keys import cli_env, run_cli

PEOPLE = 50


def people_file(path: Path, n: int = PEOPLE) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(COLUMNS))
        for i in range(n):
            number = id_number(datetime.date(1940 + i % 20, 1 + i % 12, 1 + i % 28), 100 + i % 900)
            writer.writerow(
                [f"测试{i}", number, COMMUNITY_A, "13800001111", "桂花苑1幢101室", "", "", "", "", "测试"]
            )
    return path


def import_people(path: Path) -> ImportJob:
    call_command("import", "people", str(path), user="admin", stdout=io.StringIO())
    return ImportJob.objects.order_by("-pk").first()


def files_hold(folder: Path, secret: str) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def round_trip(users, make_person, tmp_path, settings_fixture):
    source = people_file(tmp_path / "people.csv")
    assert import_people(source).created_count == PEOPLE
    keyring.check()
    key = settings.VAULT_KEY
    manifest = backup.backup(tmp_path / "backup", out=lambda line: None)
    assert manifest["vault_fingerprint"] == vault.fingerprint(key)
    assert manifest["engine"] == connection.vendor
    assert not files_hold(tmp_path / "backup", key) and not list((tmp_path / "backup").rglob("*.key"))

    late = make_person(name="备份之后")  # written after the backup: a restore takes it away
    assert Person.objects.count() == PEOPLE + 1

    for wrong in ("a-different-key", ""):
        settings_fixture.VAULT_KEY = wrong
        with pytest.raises(backup.BackupError) as refused:
            backup.restore(tmp_path / "backup", replace=True)
        assert vault.fingerprint(key)[:12] in refused.value.message
        assert (
            Person.objects.filter(pk=late.pk).exists() and Person.objects.count() == PEOPLE + 1
        )  # nothing written

    settings_fixture.VAULT_KEY = key
    lines = []
    backup.restore(tmp_path / "backup", replace=True, out=lines.append)
    assert any("100%" in line for line in lines)  # progress was shown
    assert Person.objects.count() == PEOPLE and not Person.objects.filter(pk=late.pk).exists()
    assert Person.objects.get(name="测试7").id_number == id_number(datetime.date(1947, 8, 8), 107)
    assert keyring.check() == vault.fingerprint(key)

    again = import_people(source)  # the finding: 50 of 50 were created again under a new key
    assert again.created_count == 0 and Person.objects.count() == PEOPLE


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_sqlite(users, make_person, tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the PostgreSQL pass runs the test below")
    round_trip(users, make_person, tmp_path, settings)


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgres(postgres, users, make_person, tmp_path, settings):
    round_trip(users, make_person, tmp_path, settings)


class Killed(BaseException):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_restore_killed_half_way_leaves_the_database_as_it_was(users, make_person, tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backup API; PostgreSQL's restore is pg_restore --single-transaction")
    make_person(name="备份之前")
    keyring.check()
    backup.backup(tmp_path / "b")
    late = make_person(name="备份之后")
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 2)

    def out(line):
        if "页" in line:
            raise Killed  # after the first pages were copied

    with pytest.raises(Killed):
        backup.restore(tmp_path / "b", replace=True, out=out)
    assert Person.objects.filter(pk=late.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone()[0] == "ok"
    backup.restore(tmp_path / "b", replace=True)
    assert not Person.objects.filter(pk=late.pk).exists() and Person.objects.filter(name="备份之前").exists()


def test_restore_refuses_a_backup_that_is_not_whole(db, tmp_path):
    with pytest.raises(backup.BackupError, match="manifest.json"):
        backup.restore(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_database_file_before_writing(users, tmp_path):
    keyring.check()
    backup.backup(tmp_path / "b")
    data = next(p for p in (tmp_path / "b").iterdir() if p.name.startswith("database."))
    data.write_bytes(data.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(backup.BackupError, match="校验和"):
        backup.restore(tmp_path / "b", replace=True)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_of_a_newer_version(users, tmp_path):
    keyring.check()
    manifest = backup.backup(tmp_path / "b")
    manifest["migrations"]["core"] = "9999_from_the_future"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError, match="core.9999_from_the_future"):
        backup.restore(tmp_path / "b", replace=True)


def test_backup_refuses_a_folder_in_use(db, tmp_path):
    (tmp_path / "x").write_text("")
    with pytest.raises(backup.BackupError, match="不是空文件夹"):
        backup.backup(tmp_path)


def home_with_people(tmp_path: Path, n: int) -> tuple[dict, Path]:
    """A data folder made with the commands (tmp_path/data, its keys in tmp_path/data-keys): the
    regions of tests/conftest.py, an official "admin", n people imported from a file."""
    env = cli_env(tmp_path / "data")
    assert run_cli(env, "migrate", "-v0").returncode == 0
    setup = (
        "from carecircle.core import regions\n"
        "from carecircle.core.models import Region\n"
        "from carecircle.core.roles import Role\n"
        "from tests.conftest import REGIONS, make_user\n"
        "for c, n, a, b in REGIONS:\n"
        "    Region.objects.create(code=c, name=n, level=regions.level_of(c), parent_id=regions.parent_code_of(c))\n"
        "make_user('admin', Role.CITY_ADMIN, '339900000000')\n"
    )
    shell_env = {**env, "PYTHONPATH": f"{env['PYTHONPATH']}{os.pathsep}{Path(__file__).resolve().parents[2]}"}
    out = run_cli(shell_env, "shell", "-c", setup)
    assert out.returncode == 0, out.stderr
    source = people_file(tmp_path / "people.csv", n)
    out = run_cli(env, "import", "people", str(source), "--user", "admin")
    assert out.returncode == 0 and f"新增 {n}" in out.stdout, out.stdout + out.stderr
    return env, source


@pytest.mark.slow
def test_restore_drill_with_the_commands(tmp_path):
    """The drill of docs/operations.md on SQLite, with the `carecircle` commands: back up, restore
    on a new data folder without the key (refused, nothing written), with the key (restored), and
    import the same people again (nobody new)."""
    if connection.vendor != "sqlite":
        pytest.skip("the drill's embedded layout; the PostgreSQL round trip is tested above")
    env, source = home_with_people(tmp_path, 20)

    out = run_cli(env, "backup", str(tmp_path / "backup"))
    assert out.returncode == 0 and "100%" in out.stdout, out.stderr
    key = (tmp_path / "data-keys" / "vault.key").read_text().strip()
    assert not files_hold(tmp_path / "backup", key)

    restored = cli_env(tmp_path / "restored")
    out = run_cli(restored, "restore", str(tmp_path / "backup"))
    assert out.returncode == 1 and "没有个人信息加密密钥" in out.stderr, out.stdout + out.stderr
    db_file = tmp_path / "restored" / "carecircle.sqlite3"
    assert not db_file.exists() or db_file.stat().st_size == 0  # nothing written
    assert not (tmp_path / "restored-keys" / "vault.key").exists()  # and no key made up

    (tmp_path / "restored-keys").mkdir(mode=0o700, exist_ok=True)
    (tmp_path / "restored-keys" / "vault.key").write_text(key)
    out = run_cli(restored, "restore", str(tmp_path / "backup"))
    assert out.returncode == 0 and "恢复完成" in out.stdout, out.stdout + out.stderr
    out = run_cli(restored, "import", "people", str(source), "--user", "admin")
    assert out.returncode == 0 and "新增 0" in out.stdout, out.stdout + out.stderr


def test_pg_dump_is_installed_where_postgres_runs(postgres):
    assert subprocess.run(["pg_dump", "--version"], capture_output=True).returncode == 0
