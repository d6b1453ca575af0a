"""The sign-in matrix (issue 13, item 2 and 9): every way in — the login page, the Django admin's
login and the token endpoint — gives the same outcome and leaves the same counters and audit rows
for the same attempt.

The cases: right password, wrong password, a locked account (locked through each entry point in
turn), an account with a second factor signing in without its code, wrong codes beyond the limit,
an account that must enrol a second factor, and an account that does not exist.
"""

import re
from dataclasses import dataclass
from html import unescape

import pyotp
import pytest
from django.conf import settings
from django.test import Client

from carecircle.core.models import AuditEvent, SignInThrottle, User
from tests.conftest import PASSWORD

ENTRY_POINTS = ["page", "admin", "api"]
IP = "10.13.0.1"


@dataclass(frozen=True)
class Outcome:
    signed_in: bool  # a session or token that works for the API
    step: str  # "", "code" (second factor asked) or "enrol" (second factor must be set up first)
    message: str  # the refusal shown to the person, if any


def _error_of(response) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode(), re.S)
    return unescape(found.group(1).strip()) if found else ""


def _session_works(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def attempt(entry: str, username: str, password: str, code: str | None = None, ip: str = IP) -> Outcome:
    """One person's try through one entry point: password, then the code when one is asked for."""
    client = Client(REMOTE_ADDR=ip)
    if entry == "api":
        body = {"username": username, "password": password, "otp": code or ""}
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        if response.status_code == 200:
            token = response.json()["token"]
            works = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
            return Outcome(works, "", "")
        data = response.json()
        assert response.status_code == 401, data
        step = {"otp_required": "code", "otp_enrolment_required": "enrol"}.get(data["code"], "")
        if step and code is None:
            return Outcome(False, step, "")
        return Outcome(False, "", data["message"])
    url = "/accounts/login/" if entry == "page" else "/admin/login/?next=/admin/"
    response = client.post(url, {"username": username, "password": password})
    if response.status_code == 200:
        assert not _session_works(client)
        return Outcome(False, "", _error_of(response))
    assert response.status_code == 302, response
    location = response["Location"]
    if "/accounts/otp/" in location:
        # Until the code is given nothing but the code page answers, and the API refuses the session.
        assert not _session_works(client)
        assert "/accounts/otp/" in client.get("/people/")["Location"]
        assert client.get("/admin/").status_code == 302
        if code is None:
            return Outcome(False, "code", "")
        response = client.post(location, {"code": code})
        if response.status_code == 200:
            assert not _session_works(client)
            return Outcome(False, "", _error_of(response))
        return Outcome(_session_works(client), "", "")
    if "/accounts/totp/" in location:
        assert not _session_works(client)
        assert "/accounts/totp/" in client.get("/people/")["Location"]
        return Outcome(False, "enrol", "")
    return Outcome(_session_works(client), "", "")


def throttle_rows() -> list[tuple]:
    return sorted((t.kind, t.failures, t.locked_until is not None) for t in SignInThrottle.objects.all())


def audit_rows(after: int) -> list[tuple]:
    """Sign-in audit rows written after the row `after`, without what differs by entry point."""
    return sorted(
        (e.action, e.username, e.object_id, e.detail.get("kind", ""), e.detail.get("stage", ""))
        for e in AuditEvent.objects.filter(pk__gt=after, action__startswith="user.")
    )


def enrol(user: User) -> pyotp.TOTP:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    user.save(update_fields=["totp_secret", "totp_enabled"])
    return pyotp.TOTP(user.totp_secret)


def run_case(entry: str, case: str, users) -> Outcome:
    """Run one case through one entry point."""
    limit = settings.CARECIRCLE_LOGIN_MAX_FAILURES
    if case == "right password":
        outcome = attempt(entry, "inspector", PASSWORD)
    elif case == "wrong password":
        outcome = attempt(entry, "inspector", "Wrong#Passw0rd")
    elif case.startswith("locked account"):
        locked_by = case.split(" via ")[1]
        for _ in range(limit):
            attempt(locked_by, "inspector", "Wrong#Passw0rd")
        outcome = attempt(entry, "inspector", PASSWORD)
    elif case == "TOTP account without code":
        enrol(users["street"])
        outcome = attempt(entry, "street", PASSWORD)
    elif case == "TOTP with wrong codes beyond the limit":
        totp = enrol(users["street"])
        right = totp.now()
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(settings.CARECIRCLE_OTP_MAX_FAILURES + 2):
            attempt(entry, "street", PASSWORD, code=wrong)
        outcome = attempt(entry, "street", PASSWORD, code=right)
    elif case == "TOTP required, not enrolled":
        outcome = attempt(entry, "district", PASSWORD)
    elif case == "unknown account":
        outcome = attempt(entry, "nobody-here", "Wrong#Passw0rd")
    elif case == "unknown account, locked":
        for _ in range(limit):
            attempt(entry, "nobody-here", "Wrong#Passw0rd")
        outcome = attempt(entry, "nobody-here", PASSWORD)
    else:
        raise AssertionError(case)
    return outcome


CASES = [
    "right password",
    "wrong password",
    "locked account via page",
    "locked account via admin",
    "locked account via api",
    "TOTP account without code",
    "TOTP with wrong codes beyond the limit",
    "TOTP required, not enrolled",
    "unknown account",
    "unknown account, locked",
]

EXPECTED = {
    "right password": lambda o: o.signed_in and not o.step and not o.message,
    "wrong password": lambda o: not o.signed_in and o.message == "用户名或密码错误",
    "locked account": lambda o: not o.signed_in and "登录尝试过多" in o.message,
    "TOTP account without code": lambda o: not o.signed_in and o.step == "code",
    "TOTP with wrong codes beyond the limit": lambda o: (
        not o.signed_in and "动态口令错误次数过多" in o.message
    ),
    "TOTP required, not enrolled": lambda o: not o.signed_in and o.step == "enrol",
    "unknown account": lambda o: not o.signed_in and o.message == "用户名或密码错误",
    "unknown account, locked": lambda o: not o.signed_in and "登录尝试过多" in o.message,
}


@pytest.mark.parametrize("case", CASES)
def test_every_entry_point_gives_the_same_outcome_and_counts_the_same(case, users):
    """Each entry point runs the case from the same starting state (the counters of the run before
    are removed, the second factor set up anew) and must lead to the same outcome, the same
    counters and the same audit rows."""
    expected = EXPECTED[case.split(" via ")[0]]
    results = {}
    for entry in ENTRY_POINTS:
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        outcome = run_case(entry, case, users)
        results[entry] = (outcome, throttle_rows(), audit_rows(before))
        assert expected(outcome), (entry, outcome)
        SignInThrottle.objects.all().delete()
        User.objects.filter(username="street").update(totp_enabled=False, totp_secret="", totp_last_step=None)
    assert results["page"][1] or case in (
        "right password",
        "TOTP account without code",
        "TOTP required, not enrolled",
    )
    for entry in ("admin", "api"):
        assert results[entry] == results["page"], (entry, results[entry], results["page"])


def test_lock_and_failure_messages_do_not_tell_whether_the_account_exists(users):
    limit = settings.CARECIRCLE_LOGIN_MAX_FAILURES
    for entry in ENTRY_POINTS:
        known = [
            attempt(entry, "inspector", "Wrong#Passw0rd", ip="10.13.1.1").message for _ in range(limit + 1)
        ]
        unknown = [
            attempt(entry, "nobody-here", "Wrong#Passw0rd", ip="10.13.1.2").message for _ in range(limit + 1)
        ]
        assert known == unknown, (entry, known, unknown)
        SignInThrottle.objects.all().delete()
