import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from carecircle.core import signin
from carecircle.core.errors import DomainError
from carecircle.core.types import GetResponse, Request


class IdleTimeoutMiddleware:
    """End a session after CARECIRCLE_IDLE_TIMEOUT_SECONDS without a request (等保: 会话超时)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.CARECIRCLE_IDLE_TIMEOUT_SECONDS:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse('core:login')}?timeout=1&next={request.path}")
            elif now - last > 30 or "last_seen" not in request.session:
                request.session["last_seen"] = now  # written at most every 30 s
        return self.get_response(request)


class SecondFactorMiddleware:
    """How far a session got decides what it reaches (core/signin.py): a session the sign-in service
    did not make is ended; one that gave the password but not yet the code reaches only the code
    page; one that must set up a second factor reaches only the set-up page. The API's SessionAuth
    applies the same rule (it refuses every session that is not all the way in)."""

    always = ("/accounts/logout/", "/static/", "/lang/", "/healthz")

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponseBase:
        if not request.user.is_authenticated or request.path.startswith(self.always):
            return self.get_response(request)
        state = signin.status(request)
        if state == signin.NONE:
            logout(request)
            if not request.path.startswith("/api/"):
                return redirect(f"{reverse('core:login')}?next={quote(request.get_full_path())}")
        elif state != signin.OK and not request.path.startswith("/api/"):
            page = reverse("core:otp" if state == signin.CODE else "core:totp_setup")
            if not request.path.startswith(page):  # the page and its actions (accounts/totp/confirm/ …)
                return redirect(f"{page}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class DomainErrorMiddleware:
    """Pages: a domain error becomes a page in the user's language, never a stack trace."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return render(request, "core/error.html", {"error": exception}, status=exception.status)
        return None


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language (session or cookie); the
    browser's Accept-Language is deliberately not consulted: the platform's default is Chinese."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponseBase:
        choice = request.session.get("_language") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if choice not in dict(settings.LANGUAGES):
            choice = settings.LANGUAGE_CODE
        translation.activate(choice)
        request.LANGUAGE_CODE = choice
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", choice)
        return response


class NoStoreMiddleware:
    """No copy of personal data in a browser's or a proxy's cache: every response to a signed-in
    user and every API response says `Cache-Control: no-store` (static files are answered by
    WhiteNoise before this point and stay cacheable). One rule, so no page can forget it."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(response, "shared_cacheable", False):  # holds no personal data (the basemap's tiles)
            return response
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response
