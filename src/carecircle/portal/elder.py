"""长辈模式 (elder mode): whether a page is drawn large, and the switch that changes it.

The answer for a request: a signed-in account's own preference when it has one (kept by the
account, `selectors.profile_elder_mode`); otherwise the browser's cookie (the switch on the sign-in
page and on the public pages sets it); otherwise on for an older person's own account (a person of
60 or more whose record is linked to the account) and off for everyone else. The answer is kept on
the request so a page asks once."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from carecircle.core.ages import age_on
from carecircle.core.types import Actor, signed_in
from carecircle.portal.models import ResidentProfile
from carecircle.registry.models import Person

COOKIE = "cc_elder"
COOKIE_AGE = 365 * 24 * 3600
OLDER_FROM = 60  # an older person (老年人) under the Law on the Protection of the Rights of the Elderly
_ATTR = "_portal_elder_mode"


def _account_preference(user: Actor) -> bool | None:
    """The account's own choice, or None when it made none (or keeps none)."""
    if not signed_in(user):
        return None
    # what portal.selectors.profile_elder_mode reads (that module imports this one: no circle)
    return ResidentProfile.objects.filter(user=user).values_list("elder_mode", flat=True).first()


def default_for(user: Actor) -> bool:
    """On for an older person's own account, off for everyone else."""
    if not signed_in(user):
        return False
    born = Person.objects.filter(user=user).values_list("birth_date", flat=True).first()
    return born is not None and age_on(born, timezone.localdate()) >= OLDER_FROM


def cookie_value(request: HttpRequest) -> bool | None:
    value = request.COOKIES.get(COOKIE)
    return {"1": True, "0": False}.get(value or "")


def elder_mode(request: HttpRequest) -> bool:
    """Whether this request's page is drawn in 长辈模式."""
    cached = getattr(request, _ATTR, None)
    if cached is not None:
        return bool(cached)
    user = getattr(request, "user", None)
    on = _account_preference(user)
    if on is None:
        on = cookie_value(request)
    if on is None:
        on = default_for(user)
    setattr(request, _ATTR, on)
    return on


def remember(request: HttpRequest, response: HttpResponse, on: bool) -> None:
    """Keep the choice in the browser (the sign-in page and public pages read it)."""
    response.set_cookie(COOKIE, "1" if on else "0", max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    setattr(request, _ATTR, on)
    # the account's own choice is written by the switch's view (services.profile_set_elder_mode)
