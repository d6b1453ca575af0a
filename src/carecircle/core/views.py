"""Pages of the core: sign-in, home, account security, regions, audit, health.

Written as docs/directory-guide.md "Writing a page" says: input through core/forms.py, one view per
action (the second factor's set-up: begin, confirm, disable; a new API token), writes and audit rows
in the services (core/credentials.py for everything about signing in), and domain errors where
core/forms.py says: a refused password or code on the form it was typed into (the sign-in pages
answer 200 as they always have), a bad value on its form (422), anything else on
core.middleware.DomainErrorMiddleware's page."""

import tempfile
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, navigation, plugins, scope, selectors, services, signin
from carecircle.core.forms import CodeForm, LoginForm, NextForm, RegionUploadForm, ServiceForm, TokenForm
from carecircle.core.list_specs import AUDIT
from carecircle.core.models import User
from carecircle.core.region_import import RegionImportResult, region_import
from carecircle.core.tables import check_upload, upload_suffix
from carecircle.core.types import Actor, AuthedRequest, Request


def _safe_next(request: HttpRequest, sent: str = "", default: str = "core:home") -> str:
    """Where to go next: the `next` the form sent, else the query's, if it stays on this host."""
    nxt = sent or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        return nxt
    return resolve_url(default)


def _sent_next(form: NextForm) -> str:
    return str(form.cleaned_data.get("next") or "") if form.is_valid() else ""


def _after_password(request: HttpRequest, result: services.SignIn, via: str, sent: str) -> HttpResponse:
    """Where a session goes once the password was right: the code page, the set-up page, or in."""
    signin.start(request, result.user, via=via)
    if result.user.preferred_language:
        request.session["_language"] = result.user.preferred_language
    nxt = quote(_safe_next(request, sent))
    if result.second_factor == services.credentials.CODE:
        return redirect(f"{reverse('core:otp')}?next={nxt}")
    if result.second_factor == services.credentials.ENROL:
        return redirect(f"{reverse('core:totp_setup')}?next={nxt}")
    signin.second_factor_passed(request)  # type: ignore[arg-type]  # signin.start signed the user in
    services.sign_in_complete(user=result.user, request=request, via=via)
    return HttpResponseRedirect(_safe_next(request, sent))


def _refusal(form: ServiceForm) -> str | None:
    """A refused sign-in step's message, shown on the sign-in page as before (status 200)."""
    return "；".join(form.messages()) or None


def login_view(request: Request, extra_context: dict[str, Any] | None = None) -> HttpResponse:  # noqa: ARG001 — admin.site.login passes extra_context
    """The login page, and the Django admin's login (core/admin.py): one form, one sign-in path."""
    via = "admin" if request.path.startswith(reverse("admin:index")) else "page"
    error = _("长时间未操作，已自动退出，请重新登录") if request.GET.get("timeout") else None
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.submit(partial(services.sign_in_check, request=request, via=via)):
            return _after_password(request, form.result, via, _sent_next(form))
        error = _refusal(form)
    return render(request, "core/login.html", {"error": error, "next": request.GET.get("next", "")})


@login_required
def otp_view(request: AuthedRequest) -> HttpResponse:
    """The code step of an account with a second factor (throttled in core/credentials.py)."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if signin.status(request) == signin.OK:
        return HttpResponseRedirect(_safe_next(request, _sent_next(form)))
    error = None
    if request.method == "POST":
        via = signin.via_of(request)
        if form.submit(partial(services.sign_in_second_factor, user=request.user, request=request, via=via)):
            signin.second_factor_passed(request)
            services.sign_in_complete(user=request.user, request=request, via=via)
            return HttpResponseRedirect(_safe_next(request, _sent_next(form)))
        error = _refusal(form)
    return render(request, "core/otp.html", {"error": error, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:login")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The staff home page: each module's cards (its home.py), the user's own work first. A card
    names the kinds of work it leads for in `leads`: a role ("operator") or a role acting for a kind
    of organisation ("provider_admin/facility_operator"); the cards that lead for one of the user's
    grants come first, the others keep the modules' order."""
    if scope.roles_of(request.user) == {"resident"}:
        # A resident (an older person, a family member, a parent) lands on the residents' home page
        # of big tiles (the portal module, when installed), not on the staff cards.
        if portal := navigation.page_url("portal:home"):
            return redirect(portal)
    cards = []
    for module in plugins.optional_submodules("home"):
        cards.extend(module.cards(request.user))
    grants = request.user.grants.select_related("region")
    kinds = {g.role for g in grants} | {
        f"{g.role}/{g.organisation_kind}" for g in grants if g.organisation_kind
    }
    cards.sort(key=lambda card: 0 if kinds & set(card.get("leads", ())) else 1)
    return render(request, "core/home.html", {"cards": cards, "grants": grants})


def _account_page(
    request: AuthedRequest,
    *,
    new_token: str | None = None,
    form: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(
        request, "core/account.html", {"tokens": tokens, "new_token": new_token, "form": form}, status=status
    )


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    """A new API token; its plain value is shown on this answer only (never stored)."""
    form = TokenForm(request.POST)
    if not form.submit(partial(services.token_create, user=request.user, request=request)):
        return _account_page(request, form=form, status=422)
    _token, plain = form.result
    return _account_page(request, new_token=plain)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    services.token_revoke(user=request.user, token_id=token_id, request=request)
    messages.success(request, _("令牌已作废"))
    return redirect("core:account")


def _totp_page(
    request: AuthedRequest,
    *,
    nxt: str,
    uri: str | None = None,
    show_secret: bool = False,
    enrolling: bool | None = None,
    form: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The second factor's page: set it up (the page a session must pass when its account requires
    one), or switch it off with a current code. The secret is shown while it is being set up."""
    user = request.user
    return render(
        request,
        "core/totp.html",
        {
            "uri": uri,
            "secret": user.totp_secret if show_secret and not user.totp_enabled else "",
            "enrolling": signin.status(request) == signin.ENROL if enrolling is None else enrolling,
            "required": services.totp_required(user),
            "next": nxt,
            "form": form,
        },
        status=status,
    )


@login_required
def totp_setup(request: AuthedRequest) -> HttpResponse:
    return _totp_page(request, nxt=request.GET.get("next", ""))


@login_required
@require_POST
def totp_begin(request: AuthedRequest) -> HttpResponse:
    """A new secret, shown with its provisioning URI for an authenticator app."""
    form = NextForm(request.POST)
    if not form.submit(partial(services.totp_begin, user=request.user)):
        return _totp_page(request, nxt=_sent_next(form), form=form, status=422)
    return _totp_page(request, nxt=_sent_next(form), uri=form.result, show_secret=True)


@login_required
@require_POST
def totp_confirm(request: AuthedRequest) -> HttpResponse:
    """The first code from the app switches the second factor on; a session that had to set it up
    is then all the way in."""
    enrolling = signin.status(request) == signin.ENROL
    form = CodeForm(request.POST)
    if not form.submit(partial(services.totp_confirm, user=request.user, request=request)):
        return _totp_page(
            request, nxt=_sent_next(form), show_secret=True, enrolling=enrolling, form=form, status=422
        )
    signin.second_factor_passed(request)
    if enrolling:
        services.sign_in_complete(user=request.user, request=request, via=signin.via_of(request))
        return HttpResponseRedirect(_safe_next(request, _sent_next(form)))
    messages.success(request, _("动态口令已启用，下次登录时需要输入"))
    return redirect("core:account")


@login_required
@require_POST
def totp_disable(request: AuthedRequest) -> HttpResponse:
    """Switch the second factor off with a current code (an account that must have one is sent to
    set it up again)."""
    form = CodeForm(request.POST)
    if not form.submit(partial(services.totp_disable, user=request.user, request=request)):
        return _totp_page(request, nxt=_sent_next(form), form=form, status=422)
    messages.success(request, _("动态口令已停用"))
    if services.totp_required(request.user):
        return redirect("core:totp_setup")
    return redirect("core:account")


def _regions_page(
    request: AuthedRequest,
    *,
    result: dict[str, Any] | None = None,
    form: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    parent = request.GET.get("parent", "")
    qs = selectors.visible_regions(request.user)
    if parent:
        qs = qs.filter(parent_id=parent)
        path = selectors.region_path(parent)
    else:
        qs = qs.filter(code__in=scope.region_codes(request.user, "region.view"))
        path = []
    return render(
        request,
        "core/regions.html",
        {
            "regions": qs.order_by("code")[:500],
            "path": path,
            "result": result,
            "form": form,
            "can_manage": scope.has_perm(request.user, "region.manage"),
        },
        status=status,
    )


def _region_upload(*, file: "UploadedFile[bytes]", actor: Actor) -> RegionImportResult:
    """Load a region table; every bad row comes back with its reason (core/region_import.py)."""
    name = check_upload(file)  # size limit; the name is never used as a path
    with tempfile.NamedTemporaryFile(suffix=upload_suffix(name)) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        result = region_import(Path(tmp.name), actor=actor)
    return result


@login_required
def regions(request: AuthedRequest) -> HttpResponse:
    """The regions the user sees; officials with region.manage load a region table (POST)."""
    scope.require_perm(request.user, "region.view")
    if request.method != "POST":
        return _regions_page(request)
    scope.require_perm(request.user, "region.manage")
    form = RegionUploadForm(request.POST, request.FILES)
    if not form.submit(partial(_region_upload, actor=request.user)):
        return _regions_page(request, form=form, status=422)
    return _regions_page(request, result=form.result)


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit log as a staff list (core/list_specs.py): filters by actor, action, date and
    region; actions, people and objects by name; exported to Excel like every list."""
    return list_pages.page(request, AUDIT, template="core/audit.html")


def set_language(request: Request, code: str) -> HttpResponse:
    if code in dict(settings.LANGUAGES):
        request.session["_language"] = code
        translation.activate(code)
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(preferred_language=code)
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response
