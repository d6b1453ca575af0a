"""Vault key rotation (issue 14, item 3): every encrypted column and every blind index under the
new key, the recorded fingerprint switched at the end, and a rotation interrupted at any point
finished by running it again, with no value rotated twice or left behind."""

import io
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from carecircle.core import keyring, keyrotation, vault
from carecircle.core.models import VaultKeyState
from carecircle.registry.models import FamilyContact, Person
from tests.core.test_backup import home_with_people
from tests.core.test_keys import run_cli

NEW = "the-new-vault-key-for-the-rotation-test"


def raw(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def people(make_person):
    made = [make_person(phone=f"1380000{i:04d}", address=f"桂花苑{i}幢") for i in range(7)]
    FamilyContact.objects.create(
        person=made[0],
        region_code=made[0].region_code,
        name="子女",
        relation="子",
        phone="13900001111",
        phone_masked="139****1111",
    )
    keyring.check()
    return {p.pk: (p.id_number, p.phone, p.address) for p in made}


def assert_all_under(key: str, people: dict):
    other = settings.VAULT_KEY if key != settings.VAULT_KEY else NEW
    for pk, (number, phone, address) in people.items():
        assert vault.decrypt_with(key, raw(Person, pk, "id_number")) == number
        assert vault.decrypt_with(key, raw(Person, pk, "phone")) == phone
        assert vault.decrypt_with(key, raw(Person, pk, "address")) == address
        assert raw(Person, pk, "id_hash") == vault.blind_index_with(key, number)
        assert raw(Person, pk, "id_hash") != vault.blind_index_with(other, number)
    contact = FamilyContact.objects.values_list("pk", flat=True).get()
    assert vault.decrypt_with(key, raw(FamilyContact, contact, "phone")) == "13900001111"


def test_rotation_round_trip(people, settings):
    old = settings.VAULT_KEY
    done = keyrotation.run(old_key=old, new_key=NEW, batch=3)
    assert done["registry.person"] == len(people) and done["registry.familycontact"] == 1
    assert_all_under(NEW, people)
    state = VaultKeyState.objects.get()
    assert state.fingerprint == vault.fingerprint(NEW) and not state.next_fingerprint
    with pytest.raises(keyring.KeyRefused):
        keyring.check()  # the old key no longer opens the data
    settings.VAULT_KEY = NEW
    keyring.check()
    number = people[min(people)][0]
    assert Person.objects.get(id_hash=vault.blind_index(number)).id_number == number  # found by ID number


class Killed(BaseException):
    """Stands for a kill: not an Exception, nothing catches it on the way."""


@pytest.mark.parametrize("where", ["between batches", "inside a batch"])
def test_rotation_interrupted_goes_on_where_it_stopped(people, settings, monkeypatch, where):
    old = settings.VAULT_KEY
    if where == "between batches":

        def progress(label, done, total):
            if label == "registry.person" and done >= 3:
                raise Killed

        kwargs = {"progress": progress}
    else:
        calls = {"n": 0}
        real = vault.blind_index_with

        def dying(key, value):
            calls["n"] += 1
            if calls["n"] == 5:  # the second batch of people, half-way
                raise Killed
            return real(key, value)

        monkeypatch.setattr(keyrotation.vault, "blind_index_with", dying)
        kwargs = {}
    with pytest.raises(Killed):
        keyrotation.run(old_key=old, new_key=NEW, batch=3, **kwargs)
    monkeypatch.undo()

    state = VaultKeyState.objects.get()
    assert state.next_fingerprint == vault.fingerprint(NEW) and state.fingerprint == vault.fingerprint(old)
    first_three = sorted(people)[:3]
    assert state.rotation_progress["registry.person"] == first_three[-1]  # one batch committed, no more
    rest = sorted(people)[3:]
    assert (
        vault.decrypt_with(old, raw(Person, rest[0], "id_number")) == people[rest[0]][0]
    )  # the rest untouched
    with pytest.raises(keyring.KeyRefused, match="轮换尚未完成"):
        keyring.check()  # nothing else starts meanwhile
    with pytest.raises(keyring.KeyRefused, match="已有一次轮换"):
        keyrotation.run(old_key=old, new_key="yet-another-key")  # the rotation under way goes on with its key

    keyrotation.run(old_key=old, new_key=NEW, batch=3)
    assert_all_under(NEW, people)
    assert VaultKeyState.objects.get().fingerprint == vault.fingerprint(NEW)


@pytest.mark.django_db(transaction=True)  # as the command runs: autocommit, each batch its own transaction
def test_vault_rotate_command_swaps_the_key_files(people, settings, monkeypatch, tmp_path):
    old = settings.VAULT_KEY
    monkeypatch.setenv("CARECIRCLE_KEYS", str(tmp_path))
    monkeypatch.delenv("CARECIRCLE_VAULT_KEY")
    (tmp_path / "vault.key").write_text(old)
    out = io.StringIO()
    call_command("vault", "rotate", "--batch", "2", stdout=out)
    new = (tmp_path / "vault.key").read_text().strip()
    assert new != old and settings.VAULT_KEY == new
    assert not (tmp_path / "vault.key.next").exists()
    retired = list(tmp_path.glob("vault.key.retired-*"))
    assert len(retired) == 1 and retired[0].read_text().strip() == old  # kept: older backups need it
    assert_all_under(new, people)
    assert "轮换完成" in out.getvalue() and "registry.person 7/7" in out.getvalue()
    keyring.check()

    status = io.StringIO()
    call_command("vault", "status", stdout=status)
    assert "相符" in status.getvalue() and vault.fingerprint(new)[:12] in status.getvalue()


@pytest.mark.slow
def test_vault_rotate_killed_with_sigkill_goes_on_when_run_again(tmp_path):
    """A real kill -9 of `carecircle vault rotate` half-way through the people: every other command
    refuses until it is run again; then it finishes, and importing the same people again finds
    every one of them under the new key (no one created twice)."""
    if connection.vendor != "sqlite":
        pytest.skip("the embedded layout, with the commands; rotation on PostgreSQL is tested above")
    env, source = home_with_people(tmp_path, 1500)
    env = {**env, "PYTHONUNBUFFERED": "1"}
    old = (tmp_path / "data-keys" / "vault.key").read_text().strip()
    proc = subprocess.Popen(
        [sys.executable, "-m", "carecircle.cli", "vault", "rotate", "--batch", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=env["CARECIRCLE_HOME"],
    )
    seen = []
    for line in proc.stdout:
        seen.append(line)
        parts = line.split()
        if (
            parts
            and parts[0] == "registry.person"
            and 0 < int(parts[1].split("/")[0].replace(",", "")) < 1500
        ):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(60)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)

    out = run_cli(env, "import", "people", str(source), "--user", "admin")
    assert out.returncode == 3 and "轮换尚未完成" in out.stderr, out.stdout + out.stderr
    out = run_cli(env, "vault", "status")
    assert "轮换进行中" in out.stdout, out.stdout + out.stderr

    out = run_cli(env, "vault", "rotate")
    assert out.returncode == 0 and "轮换完成" in out.stdout, out.stdout + out.stderr
    new = (tmp_path / "data-keys" / "vault.key").read_text().strip()
    assert new != old and list((tmp_path / "data-keys").glob("vault.key.retired-*"))
    out = run_cli(env, "import", "people", str(source), "--user", "admin")
    assert out.returncode == 0 and "新增 0" in out.stdout, out.stdout + out.stderr
