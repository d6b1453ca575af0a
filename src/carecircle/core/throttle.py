"""Failed sign-in attempts counted in the database (`SignInThrottle`), so that every web process
and machine shares one count; a per-process cache would let an attacker spread attempts.

Counters (settings):
- `account_ip`: one user name from one address — CARECIRCLE_LOGIN_MAX_FAILURES. This is the lock
  a person normally meets; a stranger who triggers it locks the name *for the stranger's address*
  only, never for the owner at theirs.
- `ip`: one address, over any names — CARECIRCLE_LOGIN_MAX_FAILURES_PER_ADDRESS (guessing many
  accounts from one place).
- `account`: one user name from every address — CARECIRCLE_LOGIN_MAX_FAILURES_PER_ACCOUNT, a
  ceiling well above the others, against guessing from many addresses.
- `otp`: wrong second-factor codes of one account — CARECIRCLE_OTP_MAX_FAILURES.

Names are counted whether or not an account of that name exists, so that the answers never tell
the two apart; they are stored as a hash, since people type passwords into the name field.
A counter counts within a window of CARECIRCLE_LOCKOUT_MINUTES; reaching its limit locks it for
as long, and the count starts again.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from carecircle.core.models import SignInThrottle

ACCOUNT, ACCOUNT_IP, ADDRESS, OTP = "account", "account_ip", "ip", "otp"


@dataclass(frozen=True)
class Counter:
    kind: str
    key: str

    @property
    def limit(self) -> int:
        return {
            ACCOUNT_IP: settings.CARECIRCLE_LOGIN_MAX_FAILURES,
            ADDRESS: settings.CARECIRCLE_LOGIN_MAX_FAILURES_PER_ADDRESS,
            ACCOUNT: settings.CARECIRCLE_LOGIN_MAX_FAILURES_PER_ACCOUNT,
            OTP: settings.CARECIRCLE_OTP_MAX_FAILURES,
        }[self.kind]


def name_key(username: str) -> str:
    return hashlib.sha256(("carecircle-signin:" + (username or "").strip().casefold()).encode()).hexdigest()


def password_counters(username: str, ip: str | None) -> list[Counter]:
    name, address = name_key(username), _address(ip)
    return [Counter(ACCOUNT, name), Counter(ACCOUNT_IP, f"{name}|{address}"), Counter(ADDRESS, address)]


def otp_counters(user_id: int, ip: str | None) -> list[Counter]:
    return [Counter(OTP, str(user_id)), Counter(ADDRESS, _address(ip))]


def _address(ip: str | None) -> str:
    return (ip or "-")[:63]  # an IPv6 address is at most 45 characters; the key column holds 128


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.CARECIRCLE_LOCKOUT_MINUTES)


def _match(counters: list[Counter]) -> Q:
    q = Q(pk__in=[])
    for c in counters:
        q |= Q(kind=c.kind, key=c.key)
    return q


def locked_until(counters: list[Counter], now: datetime.datetime) -> datetime.datetime | None:
    """The latest end of a lock among these counters, or None when none is locked."""
    ends = SignInThrottle.objects.filter(_match(counters), locked_until__gt=now).values_list(
        "locked_until", flat=True
    )
    return max((end for end in ends if end is not None), default=None)


def fail(counters: list[Counter], now: datetime.datetime) -> list[Counter]:
    """Count one failure on each counter; return the counters this failure locked.

    Its own transaction, committed even though the caller goes on to refuse: the callers never
    run inside an outer transaction that a refusal would roll back."""
    newly_locked = []
    with transaction.atomic():
        # Always the same order, so that two processes never wait on each other's rows.
        for counter in sorted(counters, key=lambda c: (c.kind, c.key)):
            row, _created = SignInThrottle.objects.select_for_update().get_or_create(
                kind=counter.kind, key=counter.key, defaults={"window_start": now}
            )
            if row.window_start <= now - _window():
                row.failures, row.window_start = 0, now
            row.failures += 1
            if row.failures >= counter.limit:
                row.failures, row.window_start, row.locked_until = 0, now, now + _window()
                newly_locked.append(counter)
            row.save(update_fields=["failures", "window_start", "locked_until"])
        # Counters that have neither a recent failure nor a lock are of no use any more.
        SignInThrottle.objects.filter(window_start__lte=now - _window()).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        ).delete()
    return newly_locked


def clear(counters: list[Counter]) -> None:
    SignInThrottle.objects.filter(_match(counters)).delete()


def clear_account(username: str) -> int:
    """Lift every lock and count of one name, from every address (the administrator's unlock)."""
    name = name_key(username)
    deleted, _ = SignInThrottle.objects.filter(
        Q(kind=ACCOUNT, key=name) | Q(kind=ACCOUNT_IP, key__startswith=name + "|")
    ).delete()
    return deleted
