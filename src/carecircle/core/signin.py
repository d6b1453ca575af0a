"""The session side of signing in. The checks themselves (lockout, throttling, second factor, audit)
are `core.services.sign_in_*`; this module starts a session only through them and tells, for each
request, how far the session got.

A session counts only if the sign-in service marked it: Django's `login()` called from anywhere
else (the old admin form, a future view) leaves a session that reaches neither a page nor the API —
SecondFactorMiddleware ends it and the API's SessionAuth refuses it. That is what closes the
admin-login bypass at its root rather than at the one form.
"""

from django.contrib.auth import login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from carecircle.core.models import User
from carecircle.core.services import totp_required
from carecircle.core.types import AuthedRequest

SESSION_KEY = "carecircle_signin"

# How far a session got: OK (everything), CODE (the password, not yet the code: only the code page),
# ENROL (must set up a second factor first: only the set-up page), NONE (not made by the sign-in).
OK, CODE, ENROL, NONE = "ok", "code", "enrol", "none"


def mark(session: SessionBase, user: User, *, second_factor: bool, via: str = "page") -> None:
    """`second_factor`: the session is let all the way in. `totp` remembers whether the account had a
    second factor then, so that switching it off (or an administrator's reset) sends a session of an
    account that must have one back to set it up."""
    session[SESSION_KEY] = {
        "user": user.pk,
        "second_factor": second_factor,
        "via": via,
        "totp": user.totp_enabled,
    }


def start(request: HttpRequest, user: User, *, via: str) -> None:
    """Open the session of a user whose password the sign-in service accepted."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    mark(request.session, user, second_factor=False, via=via)


def second_factor_passed(request: AuthedRequest) -> None:
    """The session's user just gave a right code (or set up their second factor)."""
    request.session.cycle_key()
    mark(request.session, request.user, second_factor=True, via=via_of(request))


def via_of(request: HttpRequest) -> str:
    via: str = (request.session.get(SESSION_KEY) or {}).get("via", "page")
    return via


def status(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return NONE
    marked = request.session.get(SESSION_KEY)
    if not isinstance(marked, dict) or marked.get("user") != user.pk:
        return NONE
    if marked.get("second_factor"):
        # All the way in. What the account must have is checked at sign-in (a role granted later
        # counts from the next one); a second factor switched off since must be set up again.
        if marked.get("totp") and not user.totp_enabled and totp_required(user):
            return ENROL
        return OK
    if user.totp_enabled:
        return CODE
    return ENROL if totp_required(user) else OK
