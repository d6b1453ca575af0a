"""Signing in, the second factor and API tokens: the one path every way in goes through.

The login page, the Django admin's login (core/admin.py hands it to the same view) and
`POST /api/v1/auth/token` all call `sign_in_check`, then `sign_in_second_factor` when the account has
a second factor, then `sign_in_complete`. Each step counts failures in the database (core/throttle.py),
refuses while a counter is locked with a message that does not tell whether the account exists,
and writes the audit trail. These functions are re-exported by core/services.py.
"""

import datetime
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from fnmatch import fnmatch

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope, throttle
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from carecircle.core.models import ApiToken, User
from carecircle.core.roles import permissions_of
from carecircle.core.types import Actor


class LoginRefused(Unauthenticated):
    code = "login_refused"


class SecondFactorRequired(LoginRefused):
    code = "otp_required"


class EnrolmentRequired(LoginRefused):
    code = "otp_enrolment_required"


NO_SECOND_FACTOR, CODE, ENROL = "", "code", "enrol"
_LOCK_KINDS = {
    throttle.ACCOUNT: "account",
    throttle.ACCOUNT_IP: "account_address",
    throttle.ADDRESS: "address",
    throttle.OTP: "otp",
}


@dataclass(frozen=True)
class SignIn:
    user: User
    second_factor: str  # NO_SECOND_FACTOR, CODE (give the code next) or ENROL (set one up first)


def _minutes_left(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _locked(until: datetime.datetime, now: datetime.datetime) -> LoginRefused:
    return LoginRefused(
        _("登录尝试过多，请%(m)d分钟后再试；如需立即解锁，请联系管理员") % {"m": _minutes_left(until, now)}
    )


def _record_failure(
    *,
    counters: list[throttle.Counter],
    now: datetime.datetime,
    user: User | None,
    request: HttpRequest | None,
    via: str,
    stage: str,
) -> None:
    """Count a failure, write its audit row and one for every lock it set off."""
    who = user.username if user is not None else "anonymous"
    for counter in throttle.fail(counters, now):
        about_user = user if counter.kind != throttle.ADDRESS else None
        audit.record(
            actor=None,
            action=AuditAction.USER_LOCKED,
            obj=about_user,
            request=request,
            system=who,
            kind=_LOCK_KINDS[counter.kind],
            minutes=settings.CARECIRCLE_LOCKOUT_MINUTES,
            via=via,
        )
    audit.record(
        actor=None,
        action=AuditAction.USER_SIGN_IN_FAILED,
        obj=user,
        request=request,
        system=who,
        stage=stage,
        via=via,
    )


def totp_required(user: User) -> bool:
    """Whether the account must have a second factor: it holds a permission named in
    CARECIRCLE_TOTP_REQUIRED_PERMISSIONS (superusers hold every one), and is not one of the demo's
    accounts that `carecircle demo` exempted."""
    patterns = settings.CARECIRCLE_TOTP_REQUIRED_PERMISSIONS
    if not patterns or user.username in settings.CARECIRCLE_TOTP_EXEMPT_USERNAMES:
        return False
    if user.is_superuser:
        return True
    held = set().union(*(permissions_of(role) for role in scope.roles_of(user)))
    return any(fnmatch(perm, pattern) for perm in held for pattern in patterns)


def second_factor_of(user: User) -> str:
    if user.totp_enabled:
        return CODE
    return ENROL if totp_required(user) else NO_SECOND_FACTOR


def sign_in_check(
    *, username: str, password: str, request: HttpRequest | None = None, via: str = "page"
) -> SignIn:
    """The password step. Refuses while the name, the name from this address or this address is
    locked (without checking the password, and with the same message whether or not the account
    exists); counts a wrong password on all three. Not inside a transaction: a refusal must not roll
    back its own count."""
    now = timezone.now()
    counters = throttle.password_counters(username, audit.client_ip(request))
    until = throttle.locked_until(counters, now)
    if until is not None:
        raise _locked(until, now)
    # A name no account can have (PostgreSQL refuses NUL in a query) is a wrong name like any other.
    possible = "\x00" not in username
    user = authenticate(request, username=username, password=password) if possible else None
    if user is None:
        known = User.objects.filter(username=username).first() if possible else None
        _record_failure(counters=counters, now=now, user=known, request=request, via=via, stage="password")
        raise LoginRefused(_("用户名或密码错误"))
    # A right password clears the name's counts; the address's stays (one good account must not
    # let an address go on guessing others).
    throttle.clear([c for c in counters if c.kind != throttle.ADDRESS])
    return SignIn(user=user, second_factor=second_factor_of(user))


def _totp_step(user: User, code: str, now: datetime.datetime) -> int | None:
    """The time step whose code this is (this one, the one before or after), or None."""
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            return step
    return None


def _code_check(*, user: User, code: str, request: HttpRequest | None, via: str, stage: str) -> None:
    """A second-factor code: rate-limited per account and per address, good once. Raises LoginRefused."""
    code = (code or "").strip()
    if not code:
        raise SecondFactorRequired(_("请输入动态口令"))
    now = timezone.now()
    counters = throttle.otp_counters(user.pk, audit.client_ip(request))
    if (until := throttle.locked_until(counters[:1], now)) is not None:
        raise LoginRefused(_("动态口令错误次数过多，请%(m)d分钟后再试") % {"m": _minutes_left(until, now)})
    if (until := throttle.locked_until(counters[1:], now)) is not None:
        raise _locked(until, now)
    step = _totp_step(user, code, now) if user.totp_secret else None
    # Good once: the step is taken only if no code of it (or later) was taken before.
    taken = step is not None and User.objects.filter(
        Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step), pk=user.pk
    ).update(totp_last_step=step)
    if not taken:
        _record_failure(counters=counters, now=now, user=user, request=request, via=via, stage=stage)
        raise LoginRefused(_("动态口令不正确"))
    user.totp_last_step = step
    throttle.clear(counters[:1])


def sign_in_second_factor(
    *, user: User, code: str, request: HttpRequest | None = None, via: str = "page"
) -> None:
    """The code step of an account with a second factor."""
    _code_check(user=user, code=code, request=request, via=via, stage="code")


def sign_in_complete(*, user: User, request: HttpRequest | None = None, via: str = "page") -> None:
    audit.record(actor=user, action=AuditAction.USER_SIGN_IN, obj=user, request=request, via=via)


def token_obtain(
    *,
    username: str,
    password: str,
    otp: str,
    name: str,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """`POST /api/v1/auth/token`: the same steps as the login page, then a short-lived token."""
    _token_name(name)  # a bad name is refused before anything is counted or audited
    result = sign_in_check(username=username, password=password, request=request, via="api")
    if result.second_factor == ENROL:
        raise EnrolmentRequired(_("此账号须先在网页登录并启用动态口令，才能申请接口令牌"))
    if result.second_factor == CODE:
        sign_in_second_factor(user=result.user, code=otp, request=request, via="api")
    sign_in_complete(user=result.user, request=request, via="api")
    return token_create(user=result.user, name=name, request=request)


def totp_begin(*, user: User) -> str:
    """Start setting up a second factor; returns the provisioning URI for an authenticator app.
    Refused while one is on: starting over would switch it off without its code."""
    if user.totp_enabled:
        raise InvalidInput(_("动态口令已启用；如需更换，请先用当前动态口令停用"), field="code")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    user.save(update_fields=["totp_secret", "totp_last_step"])
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="CareCircle")


def totp_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> None:
    if user.totp_enabled:
        raise InvalidInput(_("动态口令已启用"), field="code")
    if not user.totp_secret:
        raise InvalidInput(_("请先生成密钥"), field="code")
    try:
        _code_check(user=user, code=code, request=request, via="page", stage="enrol")
    except LoginRefused as exc:
        raise InvalidInput(exc.message, field="code") from None
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit.record(actor=user, action=AuditAction.USER_TOTP_ENABLED, obj=user, request=request)


def totp_disable(*, user: User, code: str, request: HttpRequest | None = None) -> None:
    """Switch the second factor off: only with a current code, and audited."""
    if not user.totp_enabled:
        raise InvalidInput(_("动态口令未启用"), field="code")
    try:
        _code_check(user=user, code=code, request=request, via="page", stage="disable")
    except LoginRefused as exc:
        raise InvalidInput(exc.message, field="code") from None
    user.totp_enabled, user.totp_secret = False, ""
    user.save(update_fields=["totp_enabled", "totp_secret"])
    audit.record(actor=user, action=AuditAction.USER_TOTP_DISABLED, obj=user, request=request)


def _require_account_manager(actor: Actor, user: User) -> None:
    if getattr(actor, "is_superuser", False):
        return
    if not any(scope.has_perm(actor, "user.manage", g.region_id) for g in user.grants.all()):
        raise Forbidden()


def totp_reset(*, actor: Actor, user: User, request: HttpRequest | None = None) -> None:
    """An administrator resets a lost second factor; an account that must have one sets it up again
    at its next sign-in."""
    _require_account_manager(actor, user)
    User.objects.filter(pk=user.pk).update(totp_enabled=False, totp_secret="")
    audit.record(actor=actor, action=AuditAction.USER_TOTP_RESET, obj=user, request=request)


def user_unlock(*, actor: Actor, user: User, request: HttpRequest | None = None) -> None:
    """An administrator lifts the sign-in locks of an account (from every address)."""
    _require_account_manager(actor, user)
    cleared = throttle.clear_account(user.username)
    throttle.clear([throttle.Counter(throttle.OTP, str(user.pk))])
    audit.record(actor=actor, action=AuditAction.USER_UNLOCK, obj=user, request=request, counters=cleared)


# ------------------------------------------------------------------ API tokens


def _token_name(name: str) -> str:
    if not (name or "").strip():
        raise InvalidInput(_("请填写令牌用途"), field="name")
    if any(ord(c) < 32 for c in name):
        raise InvalidInput(_("令牌用途不能包含控制字符"), field="name")
    return name.strip()[:100]


def token_create(*, user: User, name: str, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """Create an API token that lives CARECIRCLE_TOKEN_LIFETIME_HOURS; the plain token is returned
    once and only its hash is stored."""
    name = _token_name(name)
    plain = "cc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=plain[:8],
        key_hash=hashlib.sha256(plain.encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(hours=settings.CARECIRCLE_TOKEN_LIFETIME_HOURS),
    )
    audit.record(actor=user, action=AuditAction.TOKEN_CREATE, obj=token, request=request, name=token.name)
    return token, plain


def token_user(plain: str) -> User | None:
    digest = hashlib.sha256((plain or "").encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest, revoked_at__isnull=True).first()
    now = timezone.now()
    if token is None or token.expires_at is None or token.expires_at < now or not token.user.is_active:
        return None
    changed = token.user.password_changed_at
    if changed is not None and token.created_at < changed:
        return None  # issued before the password changed, however it was changed
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, user: User, token_id: int, request: HttpRequest | None = None) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("令牌不存在"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=user, action=AuditAction.TOKEN_REVOKE, obj=token, request=request)


@transaction.atomic
def tokens_revoke_all(
    *, user: User, actor: Actor = None, reason: str, request: HttpRequest | None = None
) -> int:
    """Revoke every live token of an account (its password was set or changed)."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN_REVOKE_ALL,
        obj=user,
        request=request,
        reason=reason,
        count=count,
    )
    return count
