"""Issue 13's sign-in findings, each reproduced: the Django admin's login, throttling per address and
per account, the second factor (rate limit, replay, requirement by role, switching it off), token
lifetime and revocation, password strength."""

import datetime

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth import login as django_login
from django.test import Client, override_settings
from django.utils import timezone

from carecircle.core import services
from carecircle.core.models import ApiToken, AuditEvent, SignInThrottle, User
from tests.conftest import PASSWORD

WRONG = "Wrong#Passw0rd"


def page_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def token(client, username, password, otp=""):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "otp": otp},
        content_type="application/json",
    )


def enrol(user) -> pyotp.TOTP:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    user.save(update_fields=["totp_secret", "totp_enabled"])
    return pyotp.TOTP(user.totp_secret)


def works(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


@pytest.fixture
def staff_admin(users):
    """The city admin as a Django-admin user (is_staff, superuser) with a second factor."""
    user = users["admin"]
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


# ---------------------------------------------------------------- the Django admin's login (High 2)


def test_admin_login_refuses_a_locked_account(users):
    client = Client(REMOTE_ADDR="10.1.0.1")
    for _ in range(settings.CARECIRCLE_LOGIN_MAX_FAILURES):
        page_login(client, "inspector", WRONG)
    response = admin_login(client, "inspector", PASSWORD)
    assert response.status_code == 200 and "登录尝试过多" in response.content.decode()
    assert not works(client)


def test_admin_login_asks_for_the_second_factor(staff_admin):
    totp = enrol(staff_admin)
    client = Client()
    response = admin_login(client, "admin", PASSWORD)
    assert "/accounts/otp/" in response["Location"]
    assert not works(client)
    assert client.get("/admin/").status_code == 302
    assert "/accounts/otp/" in client.get("/people/")["Location"]
    client.post("/accounts/otp/?next=/admin/", {"code": totp.now()})
    assert works(client) and client.get("/admin/").status_code == 200


def test_admin_login_failures_count_and_lock(users):
    client = Client(REMOTE_ADDR="10.1.0.2")
    for _ in range(10):
        admin_login(client, "inspector", WRONG)
    assert SignInThrottle.objects.filter(kind="account_ip", locked_until__isnull=False).exists()
    assert AuditEvent.objects.filter(action="user.sign_in_failed", username="inspector").count() == 5
    assert "登录尝试过多" in page_login(client, "inspector", PASSWORD).content.decode()


def test_a_session_made_outside_the_sign_in_path_is_worthless(users, rf):
    """The root of the admin bypass: a session that django.contrib.auth.login made without the
    sign-in service (the old admin form, or any future one) reaches neither the API nor a page."""
    client = Client()
    client.force_login(users["inspector"])
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert django_login  # the function any bypass would use


# ---------------------------------------------------------------- throttling per address and per account


@override_settings(CARECIRCLE_LOGIN_MAX_FAILURES=5, CARECIRCLE_LOGIN_MAX_FAILURES_PER_ADDRESS=20)
def test_failures_over_many_accounts_from_one_address_are_throttled(users):
    attacker = Client(REMOTE_ADDR="10.2.0.1")
    names = [
        "street",
        "community",
        "operator",
        "inspector",
        "provider",
        "caregiver",
        "resident",
        "district_b",
    ]
    for name in names:
        for _ in range(4):
            page_login(attacker, name, WRONG)
    # 32 failures, 4 per account: the address is throttled, even for a right password …
    response = page_login(attacker, "street_b", PASSWORD)
    assert "登录尝试过多" in response.content.decode()
    assert token(attacker, "street_b", PASSWORD).status_code == 401
    assert AuditEvent.objects.filter(action="user.locked", detail__kind="address").count() == 1
    # … but the accounts themselves are not locked for their owners elsewhere.
    assert "/accounts/" not in page_login(Client(REMOTE_ADDR="10.2.0.2"), "inspector", PASSWORD).get(
        "Location", "x"
    )


def test_a_stranger_cannot_lock_a_victim_out_from_the_victims_address(users):
    stranger = Client(REMOTE_ADDR="10.3.0.1")
    for _ in range(12):
        page_login(stranger, "inspector", WRONG)
    assert "登录尝试过多" in page_login(stranger, "inspector", PASSWORD).content.decode()
    victim = Client(REMOTE_ADDR="10.3.0.2")
    response = page_login(victim, "inspector", PASSWORD)
    assert response.status_code == 302 and works(victim)


@override_settings(CARECIRCLE_LOGIN_MAX_FAILURES_PER_ACCOUNT=12)
def test_many_addresses_together_reach_the_per_account_ceiling(users):
    for n in range(3):
        attacker = Client(REMOTE_ADDR=f"10.4.0.{n + 1}")
        for _ in range(4):
            page_login(attacker, "inspector", WRONG)
    locked = AuditEvent.objects.get(action="user.locked", detail__kind="account")
    assert locked.object_id == str(users["inspector"].pk)
    response = page_login(Client(REMOTE_ADDR="10.4.0.9"), "inspector", PASSWORD)
    assert "登录尝试过多" in response.content.decode()
    # The administrator lifts the lock (audited), and the owner is in again.
    services.user_unlock(actor=users["admin"], user=users["inspector"])
    assert AuditEvent.objects.filter(action="user.unlock", object_id=str(users["inspector"].pk)).exists()
    assert page_login(Client(REMOTE_ADDR="10.4.0.9"), "inspector", PASSWORD).status_code == 302


def test_the_lock_message_does_not_tell_whether_the_account_exists(users):
    client = Client(REMOTE_ADDR="10.5.0.1")
    for _ in range(5):
        known = page_login(client, "inspector", WRONG)
        unknown = page_login(client, "no-such-person", WRONG)
        assert "用户名或密码错误" in known.content.decode() and "用户名或密码错误" in unknown.content.decode()
    k = token(client, "inspector", PASSWORD).json()
    u = token(client, "no-such-person", PASSWORD).json()
    assert k == u and "登录尝试过多" in k["message"]


def test_counters_are_kept_in_the_database_for_every_server_process(users):
    """The counters are rows, not a per-process cache: a fresh client (another process, say) sees them."""
    for _ in range(3):
        page_login(Client(REMOTE_ADDR="10.6.0.1"), "inspector", WRONG)
    row = SignInThrottle.objects.get(kind="account_ip")
    assert row.failures == 3 and "inspector" not in row.key  # names are kept as a hash


# ---------------------------------------------------------------- the second factor


def test_totp_codes_cannot_be_guessed_without_limit(users):
    totp = enrol(users["street"])
    client = Client(REMOTE_ADDR="10.7.0.1")
    page_login(client, "street", PASSWORD)
    right = totp.now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(25):
        client.post("/accounts/otp/", {"code": wrong})
    response = client.post("/accounts/otp/", {"code": right})
    assert response.status_code == 200 and "动态口令错误次数过多" in response.content.decode()
    assert not works(client)
    assert token(Client(REMOTE_ADDR="10.7.0.2"), "street", PASSWORD, right).status_code == 401
    assert AuditEvent.objects.filter(action="user.locked", detail__kind="otp").count() == 1


def test_a_totp_code_is_accepted_once(users):
    totp = enrol(users["inspector"])
    code = totp.now()
    assert token(Client(), "inspector", PASSWORD, code).status_code == 200
    assert token(Client(), "inspector", PASSWORD, code).status_code == 401


@pytest.mark.parametrize("name", ["admin", "district", "street", "community", "operator"])
def test_totp_is_required_for_roles_that_unmask_or_export(users, name):
    client = Client()
    response = page_login(client, name, PASSWORD)
    assert "/accounts/totp/" in response["Location"]
    assert "/accounts/totp/" in client.get("/people/")["Location"]
    assert not works(client)
    assert token(Client(), name, PASSWORD).json()["code"] == "otp_enrolment_required"
    # Enrolling finishes the sign-in.
    client.post("/accounts/totp/begin/")
    user = User.objects.get(username=name)
    client.post("/accounts/totp/confirm/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert works(client) and client.get("/people/").status_code == 200


@pytest.mark.parametrize("name", ["inspector", "provider", "caregiver", "resident"])
def test_roles_without_unmask_or_export_sign_in_with_a_password(users, name):
    client = Client()
    page_login(client, name, PASSWORD)
    assert works(client)


@override_settings(CARECIRCLE_TOTP_REQUIRED_PERMISSIONS=[])
def test_the_requirement_is_a_setting(users):
    client = Client()
    page_login(client, "admin", PASSWORD)
    assert works(client)


def test_totp_cannot_be_switched_off_without_the_current_code(users, client_for):
    user = users["inspector"]
    totp = enrol(user)
    client = client_for(user)
    # Starting a new enrolment used to switch the second factor off: it is refused now.
    client.post("/accounts/totp/begin/")
    user.refresh_from_db()
    assert user.totp_enabled
    with pytest.raises(services.InvalidInput):
        services.totp_begin(user=user)
    response = client.post("/accounts/totp/disable/", {"code": "000000"})
    user.refresh_from_db()
    assert user.totp_enabled and "动态口令不正确" in response.content.decode()
    assert not AuditEvent.objects.filter(action="user.totp_disabled").exists()
    client.post("/accounts/totp/disable/", {"code": totp.now()})
    user.refresh_from_db()
    assert not user.totp_enabled
    assert AuditEvent.objects.filter(action="user.totp_disabled", object_id=str(user.pk)).count() == 1


def test_switching_off_a_required_second_factor_leads_to_enrolment_again(users, client_for):
    user = users["street"]
    totp = enrol(user)
    client = client_for(user)
    client.post("/accounts/totp/disable/", {"code": totp.now()})
    assert "/accounts/totp/" in client.get("/people/")["Location"]


# ---------------------------------------------------------------- tokens


def test_tokens_are_short_lived_by_default(users):
    response = token(Client(), "inspector", PASSWORD)
    expires = datetime.datetime.fromisoformat(response.json()["expires_at"])
    lifetime = datetime.timedelta(hours=settings.CARECIRCLE_TOKEN_LIFETIME_HOURS)
    assert settings.CARECIRCLE_TOKEN_LIFETIME_HOURS <= 24
    assert expires <= timezone.now() + lifetime
    _t, plain = services.token_create(user=users["inspector"], name="x")
    assert ApiToken.objects.get(prefix=plain[:8]).expires_at <= timezone.now() + lifetime


def test_tokens_stop_working_when_the_password_changes(users):
    user = users["inspector"]
    plain = token(Client(), "inspector", PASSWORD).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert Client().get("/api/v1/me", **auth).status_code == 200
    user.set_password("Another#Horse-Battery-9")
    user.save()
    assert Client().get("/api/v1/me", **auth).status_code == 401


def test_the_admins_password_set_revokes_tokens(staff_admin, users, client_for):
    _t, plain = services.token_create(user=users["inspector"], name="x")
    client = client_for(staff_admin)
    response = client.post(
        f"/admin/core/user/{users['inspector'].pk}/password/",
        {
            "password1": "Another#Horse-Battery-9",
            "password2": "Another#Horse-Battery-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ApiToken.objects.get(prefix=plain[:8]).revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoke_all", object_id=str(users["inspector"].pk)).exists()


# ---------------------------------------------------------------- passwords


def test_weak_passwords_are_refused_with_a_chinese_message():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password("aaaaaaaaaaA1")
    assert any("太容易被猜到" in m for m in refused.value.messages)
    validate_password("CareCircle#2026")  # the demo's password
    validate_password("Kangyang#2026x")


# ---------------------------------------------------------------- the demo


def test_demo_relaxes_the_second_factor_for_its_own_accounts_only_and_says_so(users, monkeypatch):
    import io

    from django.conf import settings as django_settings
    from django.core.management import call_command

    from carecircle.core.management.commands import demo as demo_command

    monkeypatch.setattr(django_settings, "CARECIRCLE_TOTP_EXEMPT_USERNAMES", frozenset())  # restored after
    ran = []
    monkeypatch.setattr(demo_command, "call_command", lambda name, *a, **k: ran.append(name))
    monkeypatch.setattr(demo_command.keyring, "check", lambda out: None)
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert ran[-1] == "serve"
    assert "不要求动态口令" in out.getvalue()
    # The demo's admin signs in with a password; an account that is not one of the demo's does not.
    client = Client()
    page_login(client, "admin", PASSWORD)
    assert works(client)
    assert "/accounts/totp/" in page_login(Client(), "district_b", PASSWORD)["Location"]


def test_concurrent_failures_from_several_processes_are_all_counted(postgres, transactional_db, users):
    """Several server processes (here threads, each with its own database connection) counting at
    once lose no failure: the counters are rows locked while counted, not a per-process cache."""
    import threading

    from django.db import connection

    def attempt():
        try:
            page_login(Client(REMOTE_ADDR="10.8.0.1"), "inspector", WRONG)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = dict(SignInThrottle.objects.values_list("kind", "failures"))
    assert counts == {"account": 4, "account_ip": 4, "ip": 4}


def test_the_admins_actions_unlock_and_reset_the_second_factor(staff_admin, users, client_for):
    inspector = users["inspector"]
    enrol(inspector)
    for n in range(3):
        attacker = Client(REMOTE_ADDR=f"10.9.0.{n + 1}")
        for _ in range(settings.CARECIRCLE_LOGIN_MAX_FAILURES):
            page_login(attacker, "inspector", WRONG)
    assert SignInThrottle.objects.filter(kind="account_ip", locked_until__isnull=False).count() == 3
    admin = client_for(staff_admin)
    for action in ("unlock", "reset_second_factor"):
        response = admin.post("/admin/core/user/", {"action": action, "_selected_action": [inspector.pk]})
        assert response.status_code == 302
    assert not SignInThrottle.objects.filter(kind__in=["account", "account_ip"]).exists()
    inspector.refresh_from_db()
    assert not inspector.totp_enabled and not inspector.totp_secret
    assert AuditEvent.objects.filter(action="user.unlock", user=staff_admin).count() == 1
    assert AuditEvent.objects.filter(action="user.totp_reset", user=staff_admin).count() == 1
    assert page_login(Client(REMOTE_ADDR="10.9.0.1"), "inspector", PASSWORD).status_code == 302


def test_a_name_with_a_nul_character_is_a_wrong_name_not_a_server_error(users):
    # Through HTTP the NUL character is refused before anything reads it (core/validation.py);
    # the sign-in service itself still treats such a name as a wrong name (PostgreSQL cannot query it).
    client = Client(REMOTE_ADDR="10.10.0.1")
    api = token(client, "in\x00spector", PASSWORD)
    assert api.status_code == 422
    page = page_login(client, "in\x00spector", PASSWORD)
    assert 400 <= page.status_code < 500
    with pytest.raises(services.LoginRefused):
        services.sign_in_check(username="in\x00spector", password=PASSWORD)
    api = token(client, "inspector", WRONG)  # the address's counter goes on; a bad token name is a 422
    response = client.post(
        "/api/v1/auth/token",
        {"username": "provider", "password": PASSWORD, "name": "a\x00b"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "name"


def test_a_code_of_any_characters_is_a_wrong_code_not_a_server_error(users):
    enrol(users["inspector"])
    response = token(Client(REMOTE_ADDR="10.11.0.1"), "inspector", PASSWORD, "一二三四五六")
    assert response.status_code == 401 and response.json()["message"] == "动态口令不正确"
