"""A password for a resident account that signs in by phone and one-time code (issue 19 item 1:
"sign-in by phone number and a one-time code as well as by password").

An account opened by a community worker or by a first phone sign-in has no usable password
(services_accounts._open_account). Signed in by its code, it may set one here; an account that has
one changes it by giving the current one first. The new password passes the deployment's password
validators (settings.AUTH_PASSWORD_VALIDATORS: length, common passwords, similarity to the account,
core/validators.py), each refusal named on its field in plain Chinese. Every change is written to
the audit trail (never the password, nor its hash), and so is a refused wrong current password.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.models import User
from carecircle.core.types import Actor, signed_in
from carecircle.portal.models import ResidentProfile

MAX_LENGTH = 128


def is_resident_account(user: Actor) -> bool:
    """An account of the people served: it holds the resident role (`portal.home`) or has a
    resident profile (the phone its codes go to). Staff accounts are the administrator's."""
    if not signed_in(user):
        return False
    return scope.has_perm(user, "portal.home") or ResidentProfile.objects.filter(user=user).exists()


def _plain(error: ValidationError) -> str:
    """A validator's refusal in plain Chinese: Django's own translation of some (the length rule's
    plural form) is missing, so those are said here by their code."""
    if error.code == "password_too_short":
        return _("新密码太短：至少需要%(n)s个字符") % {"n": (error.params or {}).get("min_length", "")}
    own = {
        "password_too_similar": _("新密码与您的登录名或姓名太相似"),
        "password_too_common": _("新密码太常见，很容易被猜到"),
        "password_entirely_numeric": _("新密码不能全是数字"),
    }
    if error.code in own:
        return own[error.code]
    return "；".join(str(m) for m in error.messages)


def _checked(user: User, new_password: str, new_password2: str) -> str:
    if not new_password:
        raise InvalidInput(_("请输入新密码"), field="new_password")
    if len(new_password) > MAX_LENGTH:
        raise InvalidInput(_("新密码不能超过128个字符"), field="new_password")
    if new_password != new_password2:
        raise InvalidInput(_("两次输入的新密码不一致，请重新输入"), field="new_password2")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as e:
        raise InvalidInput("；".join(_plain(err) for err in e.error_list), field="new_password") from e
    return new_password


def password_set(
    *,
    actor: Actor,
    new_password: str,
    new_password2: str,
    current_password: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Set (no password yet) or change (the current one given) the resident account's password.
    Refused to an account that is not a resident's (staff change theirs with the administrator)."""
    if not signed_in(actor) or not is_resident_account(actor):
        raise Forbidden(_("此页面供居民账号设置登录密码；工作人员的密码由系统管理员管理"))
    user = User.objects.get(pk=actor.pk)
    changing = user.has_usable_password()
    if changing and not user.check_password(current_password or ""):
        audit.record(actor=user, action=AuditAction.RESIDENT_PASSWORD_REFUSED, obj=user, request=request)
        raise InvalidInput(_("当前密码不正确"), field="current_password")
    password = _checked(user, new_password or "", new_password2 or "")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "password_changed_at"])
        audit.record(
            actor=user,
            action=AuditAction.RESIDENT_PASSWORD_SET,
            obj=user,
            request=request,
            change="changed" if changing else "first",
        )
    return user
