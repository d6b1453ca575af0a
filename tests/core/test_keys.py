"""Keys and data belong together (issue 14, High 2 and item 3).

The finding: a restore without the vault key silently created a new key; re-imported people then
became new records (the blind index changed) and the next payroll paid them twice. Nothing checked
at start-up that the key matched the data. These tests prove: reading the key never creates one;
every start with a missing or different key refuses with what to do; a key is created only for a
database without personal data; the keys live outside the data folder (older installs migrated).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from carecircle.core import datadir, keyring, vault
from carecircle.core.models import VaultKeyState

# ------------------------------------------------------------------ the keys folder


@pytest.fixture
def homes(tmp_path, monkeypatch):
    home = tmp_path / "data"
    monkeypatch.setenv("CARECIRCLE_HOME", str(home))
    monkeypatch.delenv("CARECIRCLE_KEYS", raising=False)
    monkeypatch.delenv("CARECIRCLE_VAULT_KEY", raising=False)
    return home, tmp_path / "data-keys"


def test_reading_the_vault_key_never_creates_one(homes):
    home, keys = homes
    assert datadir.read_key("CARECIRCLE_VAULT_KEY", "vault.key") == ""
    assert not (home / "vault.key").exists() and not (keys / "vault.key").exists()


def test_keys_live_outside_the_data_folder(homes):
    home, keys = homes
    secret = datadir.key_from_env_or_file("CARECIRCLE_SECRET_KEY_UNSET_IN_TEST", "secret.key", 48)
    assert (keys / "secret.key").read_text().strip() == secret
    assert not any(home.rglob("*.key"))
    assert (keys.stat().st_mode & 0o777) == 0o700 and ((keys / "secret.key").stat().st_mode & 0o777) == 0o600


def test_a_key_an_older_version_left_in_the_data_folder_is_moved(homes, capsys):
    home, keys = homes
    home.mkdir()
    (home / "vault.key").write_text("old-install-key\n")
    assert datadir.read_key("CARECIRCLE_VAULT_KEY", "vault.key") == "old-install-key"
    assert not (home / "vault.key").exists()
    assert (keys / "vault.key").read_text().strip() == "old-install-key"
    assert "移到密钥文件夹" in capsys.readouterr().err


def test_the_fingerprint_reveals_nothing_a_derived_key_is_made_of():
    key = "k" * 43
    fp = vault.fingerprint(key)
    enc, index_key = vault._keys(key)
    assert len(fp) == 64 and fp != index_key.hex() and key not in fp
    assert vault.fingerprint(key) == fp and vault.fingerprint(key + "x") != fp


# ------------------------------------------------------------------ the start check (in-process)


def test_start_with_the_recorded_key_goes_on(db):
    keyring.check()
    assert VaultKeyState.objects.get().fingerprint == vault.fingerprint(settings.VAULT_KEY)
    assert keyring.check() == vault.fingerprint(settings.VAULT_KEY)


def test_start_with_a_different_key_refuses(db, settings):
    keyring.check()
    settings.VAULT_KEY = "some-other-key"
    with pytest.raises(keyring.KeyRefused) as refused:
        keyring.check()
    assert (
        "不匹配" in refused.value.message
        and vault.fingerprint(settings.VAULT_KEY)[:12] in refused.value.message
    )


def test_start_without_a_key_refuses_and_creates_none(db, settings, homes):
    _home, keys = homes
    keyring.check()
    settings.VAULT_KEY = ""
    with pytest.raises(keyring.KeyRefused) as refused:
        keyring.check()
    assert "找不到个人信息加密密钥" in refused.value.message and "不会自动生成新密钥" in refused.value.message
    assert not (keys / "vault.key").exists()


def test_data_from_before_the_fingerprint_is_checked_by_decrypting_it(make_person, settings):
    make_person()
    assert keyring.recorded_state() is None
    settings.VAULT_KEY = "some-other-key"
    with pytest.raises(keyring.KeyRefused):
        keyring.check()
    assert keyring.recorded_state() is None  # nothing recorded for the wrong key
    settings.VAULT_KEY = os.environ["CARECIRCLE_VAULT_KEY"]
    keyring.check()
    assert keyring.recorded_state().fingerprint == vault.fingerprint(settings.VAULT_KEY)


def test_a_key_is_created_only_for_a_database_without_personal_data(db, settings, homes):
    _home, keys = homes
    settings.VAULT_KEY = ""
    keyring.check()
    assert (keys / "vault.key").exists()
    assert VaultKeyState.objects.get().fingerprint == vault.fingerprint(
        (keys / "vault.key").read_text().strip()
    )


def test_people_cannot_be_written_under_no_key(db, settings):
    settings.VAULT_KEY = ""
    with pytest.raises(Exception, match="未配置个人信息加密密钥"):
        vault.encrypt("13800001234")


def test_an_unfinished_rotation_stops_every_start(db):
    keyring.check()
    VaultKeyState.objects.filter(pk=1).update(next_fingerprint="0" * 64)
    with pytest.raises(keyring.KeyRefused, match="vault rotate"):
        keyring.check()


# ------------------------------------------------------------------ the command line, end to end


def run_cli(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carecircle.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=env["CARECIRCLE_HOME"],
    )


def cli_env(home: Path) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CARECIRCLE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        CARECIRCLE_HOME=str(home),
        DJANGO_SETTINGS_MODULE="carecircle.core.settings",
        PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"),
    )
    return env


REGIONS_CSV = "区划代码,名称\n330000000000,浙江省\n339900000000,示范市\n"


@pytest.mark.slow
def test_cli_start_with_a_missing_or_wrong_key_refuses(tmp_path):
    """The finding's scenario: the data folder's database without its key. Before, the next
    command created a new key and ran; now every command refuses and no key is created."""
    if connection.vendor != "sqlite":
        pytest.skip("the embedded layout (run once, in the SQLite pass)")
    home = tmp_path / "data"
    env = cli_env(home)
    migrated = run_cli(env, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    key_file = tmp_path / "data-keys" / "vault.key"
    assert key_file.exists() and not (home / "vault.key").exists()
    (tmp_path / "regions.csv").write_text(REGIONS_CSV)

    key_file.rename(tmp_path / "kept-apart.key")
    for command in (["import", "regions", str(tmp_path / "regions.csv")], ["migrate"], ["payroll", "list"]):
        out = run_cli(env, *command)
        assert out.returncode == 3, (command, out.stdout, out.stderr)
        assert "找不到个人信息加密密钥" in out.stderr and str(key_file) in out.stderr
    assert not key_file.exists() and not (home / "vault.key").exists()

    key_file.write_text("a-key-that-is-not-the-one\n")
    out = run_cli(env, "import", "regions", str(tmp_path / "regions.csv"))
    assert out.returncode == 3 and "不匹配" in out.stderr, out.stderr

    (tmp_path / "kept-apart.key").rename(key_file)
    out = run_cli(env, "import", "regions", str(tmp_path / "regions.csv"))
    assert out.returncode == 0, out.stderr
