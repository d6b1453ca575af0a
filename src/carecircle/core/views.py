"""Pages of the core: sign-in, home, account security, regions, audit, health."""

import tempfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import plugins, scope, selectors, services, signin
from carecircle.core.errors import DomainError
from carecircle.core.models import User
from carecircle.core.region_import import region_import
from carecircle.core.tables import check_upload, upload_suffix


def _safe_next(request, default="core:home"):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        return nxt
    return redirect(default).url


def _after_password(request, result, via: str):
    """Where a session goes once the password was right: the code page, the set-up page, or in."""
    signin.start(request, result.user, via=via)
    if result.user.preferred_language:
        request.session["_language"] = result.user.preferred_language
    nxt = quote(_safe_next(request))
    if result.second_factor == services.credentials.CODE:
        return redirect(f"{reverse('core:otp')}?next={nxt}")
    if result.second_factor == services.credentials.ENROL:
        return redirect(f"{reverse('core:totp_setup')}?next={nxt}")
    signin.second_factor_passed(request)  # none needed: the session is all the way in
    services.sign_in_complete(user=result.user, request=request, via=via)
    return HttpResponseRedirect(_safe_next(request))


def login_view(request, extra_context=None):  # noqa: ARG001 — admin.site.login passes extra_context
    """The login page, and the Django admin's login (core/admin.py): one form, one sign-in path."""
    via = "admin" if request.path.startswith(reverse("admin:index")) else "page"
    error = None
    if request.GET.get("timeout"):
        error = _("长时间未操作，已自动退出，请重新登录")
    if request.method == "POST":
        try:
            result = services.sign_in_check(
                username=request.POST.get("username", ""), password=request.POST.get("password", ""),
                request=request, via=via,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return _after_password(request, result, via)
    return render(request, "core/login.html", {"error": error, "next": request.GET.get("next", "")})


@login_required
def otp_view(request):
    if signin.status(request) == signin.OK:
        return HttpResponseRedirect(_safe_next(request))
    error = None
    if request.method == "POST":
        via = signin.via_of(request)
        try:
            services.sign_in_second_factor(
                user=request.user, code=request.POST.get("code", ""), request=request, via=via
            )
        except DomainError as exc:
            error = exc.message
        else:
            signin.second_factor_passed(request)
            services.sign_in_complete(user=request.user, request=request, via=via)
            return HttpResponseRedirect(_safe_next(request))
    return render(request, "core/otp.html", {"error": error, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:login")


@login_required
def home(request):
    cards = []
    for module in plugins.optional_submodules("home"):
        cards.extend(module.cards(request.user))
    grants = request.user.grants.select_related("region")
    return render(request, "core/home.html", {"cards": cards, "grants": grants})


@login_required
def account(request):
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        try:
            _token, new_token = services.token_create(user=request.user, name=request.POST.get("name", ""), request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "core/account.html", {"tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    services.token_revoke(user=request.user, token_id=token_id, request=request)
    messages.success(request, _("令牌已作废"))
    return redirect("core:account")


@login_required
def totp_setup(request):
    """Set up the second factor (also the page a session must pass when its account requires one),
    or switch it off with a current code."""
    enrolling = signin.status(request) == signin.ENROL
    uri = None
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "begin":
            uri = services.totp_begin(user=request.user)
        elif action == "confirm":
            services.totp_confirm(user=request.user, code=request.POST.get("code", ""), request=request)
            signin.second_factor_passed(request)
            if enrolling:
                services.sign_in_complete(user=request.user, request=request, via=signin.via_of(request))
                return HttpResponseRedirect(_safe_next(request))
            messages.success(request, _("动态口令已启用，下次登录时需要输入"))
            return redirect("core:account")
        elif action == "disable":
            services.totp_disable(user=request.user, code=request.POST.get("code", ""), request=request)
            messages.success(request, _("动态口令已停用"))
            if services.totp_required(request.user):
                return redirect("core:totp_setup")
            return redirect("core:account")
    except DomainError as exc:
        messages.error(request, exc.message)
    user = request.user
    secret = user.totp_secret if not user.totp_enabled and (uri or action == "confirm") else ""
    return render(request, "core/totp.html", {
        "uri": uri, "secret": secret, "enrolling": enrolling, "required": services.totp_required(user),
        "next": request.GET.get("next", ""),
    })


@login_required
def regions(request):
    scope.require_perm(request.user, "region.view")
    result = None
    if request.method == "POST":
        result = _region_upload(request)
    parent = request.GET.get("parent", "")
    qs = selectors.visible_regions(request.user)
    if parent:
        qs = qs.filter(parent_id=parent)
        path = selectors.region_path(parent)
    else:
        tops = scope.region_codes(request.user, "region.view")
        qs = qs.filter(code__in=tops)
        path = []
    return render(request, "core/regions.html", {
        "regions": qs.order_by("code")[:500], "path": path, "result": result,
        "can_manage": scope.has_perm(request.user, "region.manage"),
    })


def _region_upload(request) -> dict | None:
    """Officials with region.manage load a region table; every bad row comes back with its reason."""
    scope.require_perm(request.user, "region.manage")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return None
    try:
        name = check_upload(upload)  # size limit; the name is never used as a path
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    with tempfile.NamedTemporaryFile(suffix=upload_suffix(name)) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            result = region_import(Path(tmp.name), actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return None
    return result


@login_required
def audit_list(request):
    rows = selectors.audit_search(
        user=request.user,
        action=request.GET.get("action", "").strip(),
        object_id=request.GET.get("object_id", "").strip(),
        username=request.GET.get("username", "").strip(),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page})


def set_language(request, code: str):
    if code in dict(settings.LANGUAGES):
        request.session["_language"] = code
        translation.activate(code)
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(preferred_language=code)
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response
