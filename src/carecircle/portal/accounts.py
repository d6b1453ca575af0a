"""Signing in by phone number and a one-time code (the residents' way in; the password stays on
the core's sign-in page).

A code is 6 digits, sent by SMS through the outbox (`message_send`, `MessageKind.OTP_CODE`), stored
only as a keyed hash, good once and for CARECIRCLE_PHONE_CODE_MINUTES. Sending is limited per phone
and per client address (the `SignInCode` rows are the count; the numbers are settings), and wrong
codes count on the core's sign-in counters (core/throttle.py: per phone and per address), locking
the same way a wrong password does. Every step is audited; the session is opened and marked by the
core's sign-in (core/signin.py) and the sign-in written by `sign_in_complete`, as for a password.

Whose phone it is decides the account: a resident account whose profile holds the number; else
an older person (60+) of the registry whose own number it is and who has no account yet (their own
account is opened, 长辈模式 by default); else a family contact of the registry with that number (a
family or parent account is opened, and each person whose contact it is gets a pending link that
the person, or a community worker with the evidence, must confirm). A number nobody holds is sent
nothing, and the page says the same in both cases so that it never tells whether a number is known.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, throttle
from carecircle.core.audit_actions import AuditAction
from carecircle.core.credentials import LoginRefused
from carecircle.core.errors import InvalidInput
from carecircle.core.vault import mask_phone, normalise_phone, phone_index
from carecircle.portal.models import ResidentProfile, SignInCode
from carecircle.portal.services_messages import message_send
from carecircle.portal.types import Channel, MessageKind
from carecircle.registry.models import FamilyContact, Person

VIA = "phone"
CODE_DIGITS = 6


class TooManyCodes(LoginRefused):
    """Too many codes asked for one phone or from one address: a plain answer, status 429."""

    code = "too_many_codes"
    status = 429


@dataclass(frozen=True)
class CodeSent:
    phone_masked: str
    minutes: int


def clean_mobile(phone: str, field: str = "phone") -> str:
    """A mainland mobile number as 11 digits (+86, spaces and dashes dropped), or InvalidInput."""
    digits = normalise_phone(phone)
    if len(digits) != 11 or not digits.startswith("1"):
        raise InvalidInput(_("请输入11位手机号码"), field=field)
    return digits


def _address(request: HttpRequest | None) -> str:
    """The client address as the sign-in counters key it (core/throttle.py)."""
    return (audit.client_ip(request) or "-")[:63]


def _code_hash(phone_key: str, code: str) -> str:
    key = hashlib.sha256(("carecircle-phone-code:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{phone_key}:{code}".encode(), hashlib.sha256).hexdigest()


def _minutes_left(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _recipient_region(phone_key: str) -> str:
    """The community of whoever holds this number ('' when nobody does): the message's region."""
    profile = (
        ResidentProfile.objects.filter(phone_hash=phone_key).values_list("region_code", flat=True).first()
    )
    if profile:
        return profile
    person = Person.objects.filter(phone_index=phone_key).values_list("region_code", flat=True).first()
    if person:
        return person
    contact = (
        FamilyContact.objects.filter(phone_index=phone_key).values_list("region_code", flat=True).first()
    )
    return contact or ""


def _check_send_limits(phone_key: str, address: str, now: datetime.datetime) -> None:
    window = now - datetime.timedelta(minutes=settings.CARECIRCLE_PHONE_CODE_WINDOW_MINUTES)
    by_phone = list(
        SignInCode.objects.filter(phone_hash=phone_key, created_at__gt=window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    interval = datetime.timedelta(seconds=settings.CARECIRCLE_PHONE_CODE_INTERVAL_SECONDS)
    if by_phone and now - by_phone[0] < interval:
        seconds = max(1, math.ceil((by_phone[0] + interval - now).total_seconds()))
        raise TooManyCodes(_("验证码已发送，请%(s)d秒后再重新获取") % {"s": seconds}, field="phone")
    if len(by_phone) >= settings.CARECIRCLE_PHONE_CODE_PER_PHONE:
        until = by_phone[settings.CARECIRCLE_PHONE_CODE_PER_PHONE - 1] + (now - window)
        raise TooManyCodes(
            _("这个手机号获取验证码次数过多，请%(m)d分钟后再试") % {"m": _minutes_left(until, now)},
            field="phone",
        )
    by_address = SignInCode.objects.filter(address=address, created_at__gt=window).count()
    if by_address >= settings.CARECIRCLE_PHONE_CODE_PER_ADDRESS:
        raise TooManyCodes(_("本设备获取验证码次数过多，请稍后再试，或用密码登录"), field="phone")


def code_request(*, phone: str, request: HttpRequest | None = None) -> CodeSent:
    """Send a sign-in code to `phone` (when somebody holds the number), within the limits.

    The limits count every request, known number or not (a stranger cannot tell the two apart by
    the limits either). The code row and its message are written in one transaction."""
    digits = clean_mobile(phone)
    phone_key = phone_index(digits)
    address = _address(request)
    now = timezone.now()
    try:
        _check_send_limits(phone_key, address, now)
    except TooManyCodes:
        audit.record(
            actor=None,
            action=AuditAction.RESIDENT_CODE_REFUSED,
            request=request,
            system="anonymous",
            phone=mask_phone(digits),
        )
        raise
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = settings.CARECIRCLE_PHONE_CODE_MINUTES
    region = _recipient_region(phone_key)
    with transaction.atomic():
        row = SignInCode.objects.create(
            phone_hash=phone_key,
            address=address,
            code_hash=_code_hash(phone_key, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
        if region:
            row.message_key = f"signin-code:{row.pk}"
            row.save(update_fields=["message_key"])
            message_send(
                key=row.message_key,
                kind=MessageKind.OTP_CODE,
                phone=digits,
                region_code=region,
                title=_("登录验证码"),
                body=_("【CareCircle】您的登录验证码是%(c)s，%(m)d分钟内有效，只能使用一次。请勿告诉他人。")
                % {"c": code, "m": minutes},
                channels=(Channel.SMS,),
            )
        audit.record(
            actor=None,
            action=AuditAction.RESIDENT_CODE_SEND,
            obj=row,
            region_code=region,
            request=request,
            system="anonymous",
            phone=mask_phone(digits),
            known=bool(region),
        )
    return CodeSent(phone_masked=mask_phone(digits), minutes=minutes)


def record_failure(
    counters: list[throttle.Counter], now: datetime.datetime, phone: str, request: HttpRequest | None
) -> None:
    for counter in throttle.fail(counters, now):
        audit.record(
            actor=None,
            action=AuditAction.USER_LOCKED,
            request=request,
            system="anonymous",
            kind="phone" if counter.kind == throttle.OTP else "address",
            minutes=settings.CARECIRCLE_LOCKOUT_MINUTES,
            via=VIA,
            phone=mask_phone(phone),
        )
    audit.record(
        actor=None,
        action=AuditAction.USER_SIGN_IN_FAILED,
        request=request,
        system="anonymous",
        stage="phone_code",
        via=VIA,
        phone=mask_phone(phone),
    )


def _take_code(phone_key: str, code: str, now: datetime.datetime) -> bool:
    """Use the newest live code of the number that matches: good once (a conditional update takes
    it, so two requests with one code cannot both pass)."""
    digest = _code_hash(phone_key, code)
    for row in SignInCode.objects.filter(
        phone_hash=phone_key, used_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at")[:10]:
        if hmac.compare_digest(row.code_hash, digest):
            return bool(SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now))
    return False


@dataclass(frozen=True)
class CodeTaken:
    """A right code, just used: the number it was sent to and the counters it was checked on."""

    phone: str
    counters: list[throttle.Counter]
    now: datetime.datetime


def code_take(*, phone: str, code: str, request: HttpRequest | None = None) -> CodeTaken:
    """The code step's check (the account is found by `services_accounts.code_sign_in`): refuses
    a wrong, used or expired code with one message, and counts it; refuses while the phone or the
    address is locked. Not inside a transaction: a refusal must not roll back its own count."""
    digits = clean_mobile(phone)
    code = (code or "").strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        raise InvalidInput(_("请输入短信里的6位数字验证码"), field="code")
    phone_key = phone_index(digits)
    now = timezone.now()
    counters = [
        throttle.Counter(throttle.OTP, "phone:" + phone_key),
        throttle.Counter(throttle.ADDRESS, _address(request)),
    ]
    until = throttle.locked_until(counters, now)
    if until is not None:
        raise LoginRefused(
            _("验证码错误次数过多，请%(m)d分钟后再试，或联系社区工作人员") % {"m": _minutes_left(until, now)},
            field="code",
        )
    if not _take_code(phone_key, code, now):
        record_failure(counters, now, digits, request)
        raise LoginRefused(
            _("验证码不正确或已失效（%(m)d分钟内有效，只能用一次），请重新获取")
            % {"m": settings.CARECIRCLE_PHONE_CODE_MINUTES},
            field="code",
        )
    return CodeTaken(phone=digits, counters=counters, now=now)
