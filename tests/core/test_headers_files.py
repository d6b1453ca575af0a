"""Issue 13 item 6: no personal data in any cache, HTTPS-only cookies and HSTS when the deployment
runs behind HTTPS, and a data folder that other accounts on the machine cannot read."""

import json
import os
import stat
import subprocess
import sys

import pytest
from django.test import Client


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ------------------------------------------------------------------ Cache-Control: no-store


@pytest.mark.parametrize(
    "path", ["/", "/people/", "/audit/", "/no-such-page/", "/api/v1/persons", "/api/v1/no-such-operation"]
)
def test_every_response_to_a_signed_in_user_is_no_store(users, client_for, path):
    r = client_for(users["admin"]).get(path)
    assert "no-store" in r.headers.get("Cache-Control", ""), (
        path,
        r.status_code,
        r.headers.get("Cache-Control"),
    )


def test_every_api_response_is_no_store_even_anonymous(db):
    for path in ("/api/v1/persons", "/api/v1/openapi.json"):
        r = Client().get(path)
        assert "no-store" in r.headers.get("Cache-Control", ""), path


def test_a_download_of_personal_data_is_no_store(users, client_for):
    r = client_for(users["admin"]).get("/people/imports/template.csv")
    assert r.status_code == 200 and "no-store" in r.headers["Cache-Control"]


def test_static_files_stay_cacheable(db):
    from django.contrib.staticfiles import finders

    assert finders.find("leaflet/leaflet.js")
    r = Client().get("/static/leaflet/leaflet.js")
    assert r.status_code == 200
    assert "no-store" not in r.headers.get("Cache-Control", "")


# ------------------------------------------------------------------ HTTPS deployments


def _settings_in_subprocess(tmp_path, **env) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); print('SETTINGS', json.dumps({k: "
        "getattr(settings, k) for k in ('SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT')}))"
    )
    full = {
        "CARECIRCLE_HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "carecircle.core.settings",
        **env,
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=300)
    assert out.returncode == 0, out.stderr
    line = next((x for x in out.stdout.splitlines() if x.startswith("SETTINGS ")), None)
    assert line, (out.stdout, out.stderr)
    return json.loads(line.removeprefix("SETTINGS "))


def test_https_setting_turns_on_hsts_secure_cookies_and_the_proxy_header(tmp_path):
    plain = _settings_in_subprocess(tmp_path / "plain")
    assert plain["SECURE_HSTS_SECONDS"] == 0 and not plain["SESSION_COOKIE_SECURE"]
    assert not plain["CSRF_COOKIE_SECURE"] and plain["SECURE_PROXY_SSL_HEADER"] is None
    https = _settings_in_subprocess(tmp_path / "https", CARECIRCLE_HTTPS="1")
    assert https["SECURE_HSTS_SECONDS"] >= 31536000
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert https["SECURE_SSL_REDIRECT"] and https["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]


def test_behind_https_the_browser_gets_hsts_and_secure_cookies(users, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ["^healthz$"]
    c = Client(HTTP_X_FORWARDED_PROTO="https")
    login = c.get("/accounts/login/")
    assert login.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert login.cookies["csrftoken"]["secure"]
    from tests.conftest import PASSWORD

    r = c.post("/accounts/login/", {"username": "resident", "password": PASSWORD})
    assert r.status_code == 302 and r.cookies["sessionid"]["secure"]
    # Plain http is sent to https (the proxy's health probe is not).
    assert Client().get("/accounts/login/").status_code == 301
    assert Client().get("/healthz").status_code != 301


# ------------------------------------------------------------------ the data folder


def test_data_folder_is_0700_and_its_files_0600(tmp_path):
    """Started on a folder an older version left readable to everyone, and on a new one: the
    database (with its -wal/-shm), the keys and the uploads end up readable by the owner only."""
    old = tmp_path / "old"
    (old / "uploads" / "imports").mkdir(parents=True)
    old.chmod(0o755)
    (old / "uploads").chmod(0o755)
    (old / "uploads" / "imports").chmod(0o755)
    for name in ("carecircle.sqlite3", "secret.key", "uploads/imports/people.xlsx"):
        (old / name).write_text("x")
        (old / name).chmod(0o644)
    new = tmp_path / "new"
    for home in (old, new):
        if home is old:
            (old / "carecircle.sqlite3").unlink()  # a real database, opened by the server below
        # The modes are read while the connection is open: SQLite removes -wal and -shm at close.
        code = (
            "import django, json, os; django.setup(); from django.db import connection;"
            "connection.cursor().execute('CREATE TABLE t (x)');"
            "print('MODES', json.dumps({n: os.stat(os.path.join(os.environ['CARECIRCLE_HOME'], n)).st_mode & 0o777"
            " for n in os.listdir(os.environ['CARECIRCLE_HOME'])}))"
        )
        keys = tmp_path / f"{home.name}-keys"
        env = {
            "CARECIRCLE_HOME": str(home),
            "CARECIRCLE_KEYS": str(keys),
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "carecircle.core.settings",
        }
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
        )
        assert out.returncode == 0, out.stderr
        assert _mode(home) == 0o700
        modes = json.loads(
            next(x for x in out.stdout.splitlines() if x.startswith("MODES ")).removeprefix("MODES ")
        )
        for name in ("carecircle.sqlite3", "carecircle.sqlite3-wal", "carecircle.sqlite3-shm"):
            assert modes.get(name) == 0o600, (home, name, modes)
        # The session key: in the data folder or in a keys folder of its own, owner-only either way.
        key = next(p for p in (home / "secret.key", keys / "secret.key") if p.exists())
        assert _mode(key) == 0o600 and _mode(key.parent) == 0o700
    assert _mode(old / "uploads") == 0o700
    assert _mode(old / "uploads" / "imports") == 0o700
    assert _mode(old / "uploads" / "imports" / "people.xlsx") == 0o600
