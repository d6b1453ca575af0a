"""The residents' account pages: signing in by phone and a one-time code, the account's page (the
people linked to it, requests to confirm, asking for a link) and the community worker's page of a
person's account and links. Written as docs/directory-guide.md "Writing a page" says: input through
portal/forms_account.py, one view per action, writes and audit rows in the services
(portal/accounts.py, portal/services_accounts.py), what a user may do with a link from
`selectors.link_actions`, domain errors on the form or left to the middleware."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import scope, signin
from carecircle.core import services as core_services
from carecircle.core.errors import Forbidden
from carecircle.core.forms import ServiceForm
from carecircle.core.types import AuthedRequest, Request
from carecircle.core.vault import mask_phone
from carecircle.portal import selectors, services, services_password
from carecircle.portal.forms_account import (
    AccountOpenForm,
    EvidenceForm,
    LinkRecordForm,
    LinkRequestForm,
    PasswordSetForm,
    PhoneCodeForm,
    PhoneForm,
)
from carecircle.registry import selectors as registry
from carecircle.registry.models import FamilyContact, Person

PHONE_KEY = "portal_signin_phone"


# ---------------------------------------------------------------- signing in by phone


def signin_phone(request: Request) -> HttpResponse:
    """Step one: the phone number; a code is sent (when the number is somebody's) and the page
    asks for it. The same answer either way, so the page never tells whether a number is known."""
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.submit(partial(services.code_request, request=request)):
            request.session[PHONE_KEY] = form.cleaned_data["phone"]
            messages.success(
                request,
                _("如果这个手机号已在社区登记，验证码短信马上就到（%(m)d分钟内有效）。")
                % {"m": form.result.minutes},
            )
            return redirect("portal:signin_code")
        return render(request, "portal/signin_phone.html", {"form": form}, status=form.failed_status)
    return render(request, "portal/signin_phone.html", {"form": form})


def signin_code(request: Request) -> HttpResponse:
    """Step two: the code. The session is opened and marked by the core's sign-in (core/signin.py)
    and the sign-in written to the audit trail, as for a password; an account that also has a
    second factor (staff) still gives it."""
    phone = str(request.session.get(PHONE_KEY) or "")
    if not phone:
        return redirect("portal:signin")
    form = PhoneCodeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "phone_masked": mask_phone(phone)}
    if request.method != "POST":
        return render(request, "portal/signin_code.html", context)
    if not form.submit(partial(services.code_sign_in, phone=phone, request=request)):
        return render(request, "portal/signin_code.html", context, status=form.failed_status)
    user = form.result
    del request.session[PHONE_KEY]
    signin.start(request, user, via="phone")
    second = core_services.credentials.second_factor_of(user)
    if second == core_services.credentials.CODE:
        return redirect(f"{reverse('core:otp')}?next={reverse('portal:home')}")
    if second == core_services.credentials.ENROL:
        return redirect(f"{reverse('core:totp_setup')}?next={reverse('portal:home')}")
    signin.second_factor_passed(request)  # type: ignore[arg-type]  # signin.start signed the user in
    core_services.sign_in_complete(user=user, request=request, via="phone")
    return redirect("portal:home")


# ---------------------------------------------------------------- the account's own page


def _account_page(
    request: AuthedRequest, *, form: LinkRequestForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    to_me = list(selectors.links_to_me(user))
    mine = list(selectors.my_links(user))
    return render(
        request,
        "portal/account_home.html",
        {
            "profile": selectors.profile_of(user),
            "own": selectors.own_person(user),
            "to_me": [(link, selectors.link_actions(user, link)) for link in to_me],
            "mine": [(link, selectors.link_actions(user, link)) for link in mine],
            "form": form or LinkRequestForm(),
        },
        status=status,
    )


@login_required
def account_home(request: AuthedRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def link_request(request: AuthedRequest) -> HttpResponse:
    form = LinkRequestForm(request.POST)
    if not form.submit(partial(services.link_request, actor=request.user, request=request)):
        return _account_page(request, form=form, status=form.failed_status)
    messages.success(
        request, _("关联申请已提交。家人本人在账号里确认，或社区工作人员核验后，就可以为家人办事了。")
    )
    return redirect("portal:account")


DONE = {
    "confirm": _("已确认关联，对方现在可以为您办事。"),
    "decline": _("已拒绝这个关联申请。"),
    "end": _("已解除关联。"),
    "verify": _("已核验并登记关联。"),
}


def _back(request: HttpRequest, link: FamilyContact) -> HttpResponse:
    if (
        scope.has_perm(request.user, "registry.edit", link.region_code)
        and link.person.user_id != request.user.pk
    ):
        return redirect("portal:person_accounts", person_id=link.person_id)
    return redirect("portal:account")


def _link_act(
    request: AuthedRequest,
    link_id: int,
    action: str,
    service: Callable[..., Any],
    form_class: type[ServiceForm],
) -> HttpResponse:
    link = selectors.link_get(user=request.user, link_id=link_id)
    form = form_class(request.POST)
    if not form.submit(partial(service, actor=request.user, link=link, request=request)):
        return _person_page(request, link.person, verify_failed={link.pk: form}, status=form.failed_status)
    messages.success(request, DONE[action])
    return _back(request, link)


@login_required
@require_POST
def link_confirm(request: AuthedRequest, link_id: int) -> HttpResponse:
    return _link_act(request, link_id, "confirm", services.link_confirm, ServiceForm)


@login_required
@require_POST
def link_decline(request: AuthedRequest, link_id: int) -> HttpResponse:
    return _link_act(request, link_id, "decline", services.link_decline, ServiceForm)


@login_required
@require_POST
def link_end(request: AuthedRequest, link_id: int) -> HttpResponse:
    return _link_act(request, link_id, "end", services.link_end, ServiceForm)


@login_required
@require_POST
def link_verify(request: AuthedRequest, link_id: int) -> HttpResponse:
    return _link_act(request, link_id, "verify", services.link_verify, EvidenceForm)


# ---------------------------------------------------------------- the community worker's page of a person


def _person_page(
    request: AuthedRequest,
    person: Person,
    *,
    open_form: AccountOpenForm | None = None,
    record_form: LinkRecordForm | None = None,
    verify_failed: dict[int, ServiceForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    failed = verify_failed or {}
    links = [
        (link, selectors.link_actions(user, link), failed.get(link.pk) or EvidenceForm())
        for link in selectors.person_links(user=user, person=person)
    ]
    return render(
        request,
        "portal/account_person.html",
        {
            "person": person,
            "may_edit": scope.has_perm(user, "registry.edit", person.region_code),
            "links": links,
            "open_form": open_form or AccountOpenForm(),
            "record_form": record_form or LinkRecordForm(),
        },
        status=status,
    )


@login_required
def person_accounts(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = registry.person_get(user=request.user, person_id=person_id)
    return _person_page(request, person)


@login_required
@require_POST
def person_account_open(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = registry.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    form = AccountOpenForm(request.POST)
    if not form.submit(
        partial(services.resident_account_create, actor=request.user, person=person, request=request)
    ):
        return _person_page(request, person, open_form=form, status=form.failed_status)
    messages.success(request, _("已为老人开通本人账号：用登记的手机号和短信验证码即可登录。"))
    return redirect("portal:person_accounts", person_id=person.pk)


@login_required
@require_POST
def person_link_record(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = registry.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    form = LinkRecordForm(request.POST)
    if not form.submit(partial(services.link_record, actor=request.user, person=person, request=request)):
        return _person_page(request, person, record_form=form, status=form.failed_status)
    messages.success(request, DONE["verify"])
    return redirect("portal:person_accounts", person_id=person.pk)


# ---------------------------------------------------------------- a password beside the phone code


@login_required
def account_password(request: AuthedRequest) -> HttpResponse:
    """Set a password (an account that signs in by phone code only) or change it (the current one
    first). The session stays signed in after the change (Django's session hash is renewed)."""
    if not services_password.is_resident_account(request.user):
        raise Forbidden(_("此页面供居民账号设置登录密码；工作人员的密码由系统管理员管理"))
    has_password = request.user.has_usable_password()
    form = PasswordSetForm(request.POST if request.method == "POST" else None)
    rules = password_validation.password_validators_help_texts()
    context = {"form": form, "has_password": has_password, "rules": rules}
    if request.method != "POST":
        return render(request, "portal/account_password.html", context)
    call = partial(services_password.password_set, actor=request.user, request=request)
    if not form.submit(call):
        return render(request, "portal/account_password.html", context, status=form.failed_status)
    update_session_auth_hash(request, form.result)
    messages.success(
        request,
        _("密码已修改。")
        if has_password
        else _("密码已设置：以后可以用登录名和密码登录，也可以继续用手机验证码登录。"),
    )
    return redirect("portal:account")
