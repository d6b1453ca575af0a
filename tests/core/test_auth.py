import time

import pyotp
import pytest
from django.test import Client, override_settings

from carecircle.core import services
from carecircle.core.models import ApiToken, AuditEvent, User
from tests.conftest import PASSWORD, mark_signed_in


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout(users):
    # An account that needs no second factor (see test_signin.py for those that do).
    client = Client()
    response = login(client, "inspector", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_message_in_chinese(users):
    response = login(Client(), "street", "wrong")
    assert "用户名或密码错误" in response.content.decode()


@override_settings(CARECIRCLE_LOGIN_MAX_FAILURES=3, CARECIRCLE_LOCKOUT_MINUTES=15)
def test_lockout_after_repeated_failures(users):
    client = Client()
    for _ in range(3):
        login(client, "street", "wrong")
    user = User.objects.get(username="street")
    # Even the right password is refused while locked, and the message says for how long.
    response = login(client, "street", PASSWORD)
    assert "登录尝试过多" in response.content.decode() and "分钟" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.locked", object_id=str(user.pk)).exists()
    api = client.post(
        "/api/v1/auth/token", {"username": "street", "password": PASSWORD}, content_type="application/json"
    )
    assert api.status_code == 401 and "登录尝试过多" in api.json()["message"]


def test_password_complexity():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("alllowercaseletters")
    with pytest.raises(ValidationError):
        validate_password("Short1!")
    validate_password("Kangyang#2026x")


@override_settings(CARECIRCLE_IDLE_TIMEOUT_SECONDS=60)
def test_idle_session_times_out(users, monkeypatch):
    client = Client()
    login(client, "inspector", PASSWORD)
    assert client.get("/").status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 120)
    response = client.get("/people/")
    assert response.status_code == 302 and "timeout=1" in response["Location"]


def test_totp_second_factor(users):
    user = users["street"]
    services.totp_begin(user=user)
    user.refresh_from_db()
    services.totp_confirm(user=user, code=pyotp.TOTP(user.totp_secret).now())
    User.objects.filter(pk=user.pk).update(totp_last_step=None)  # a code is good once: allow it again here
    client = Client()
    response = login(client, "street", PASSWORD)
    assert "/accounts/otp/" in response["Location"]
    # Until the code is given, every page leads back to the code page, and the API refuses the session.
    assert "/accounts/otp/" in client.get("/people/")["Location"]
    assert client.get("/api/v1/me").status_code == 401
    assert "不正确" in client.post("/accounts/otp/", {"code": "000000"}).content.decode()
    client.post("/accounts/otp/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert client.get("/people/").status_code == 200
    # The token endpoint asks for the code as well.
    no_code = Client().post(
        "/api/v1/auth/token", {"username": "street", "password": PASSWORD}, content_type="application/json"
    )
    assert no_code.status_code == 401


def test_api_token_exchange_hash_at_rest_and_revocation(users):
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "inspector", "password": PASSWORD, "name": "对接"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get()
    assert token not in stored.key_hash and stored.prefix == token[:8]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["username"] == "inspector"
    services.token_revoke(user=users["inspector"], token_id=stored.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_bad_token_request_names_the_field():
    response = Client().post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "password" in response.json()["message"]


def test_session_api_needs_csrf_for_writes(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["street"])
    mark_signed_in(client, users["street"])
    response = client.post("/api/v1/persons", {}, content_type="application/json")
    assert response.status_code in (401, 403)
