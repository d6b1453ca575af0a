"""长辈模式 (elder mode): whether a page is drawn large, and the switch that changes it.

The answer for a request: a signed-in account's own preference when it has one (kept by the
account, `selectors.profile_elder_mode`); otherwise the browser's cookie (the switch on the sign-in
page and on the public pages sets it); otherwise on for an older person's own account (a person of
60 or more whose record is linked to the account) and off for everyone else. The answer is kept on
the request so a page asks once."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from carecircle.core.ages import age_on
from carecircle.core.types import Actor, signed_in

COOKIE = "cc_elder"
COOKIE_AGE = 365 * 24 * 3600
OLDER_FROM = 60  # an older person (老年人) under the Law on the Protection of the Rights of the Elderly
_ATTR = "_portal_elder_mode"


def _account(user: Actor) -> tuple[bool | None, datetime.date | None]:
    """The account's own choice (None when it made none) and the birth date of its own person (None
    when it is no one's own account), in one query: both hang on the account by one-to-one keys."""
    if not signed_in(user):
        return None, None
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("resident_profile__elder_mode", "person__birth_date")
        .first()
    )
    return row if row is not None else (None, None)


def default_for(born: datetime.date | None) -> bool:
    """On for an older person's own account (its person's birth date), off for everyone else."""
    return born is not None and age_on(born, timezone.localdate()) >= OLDER_FROM


def cookie_value(request: HttpRequest) -> bool | None:
    value = request.COOKIES.get(COOKIE)
    return {"1": True, "0": False}.get(value or "")


def elder_mode(request: HttpRequest) -> bool:
    """Whether this request's page is drawn in 长辈模式."""
    cached = getattr(request, _ATTR, None)
    if cached is not None:
        return bool(cached)
    chosen, born = _account(getattr(request, "user", None))
    on = chosen if chosen is not None else cookie_value(request)
    if on is None:
        on = default_for(born)
    setattr(request, _ATTR, on)
    return on


def remember(request: HttpRequest, response: HttpResponse, on: bool) -> None:
    """Keep the choice in the browser (the sign-in page and public pages read it)."""
    response.set_cookie(COOKIE, "1" if on else "0", max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    setattr(request, _ATTR, on)
    # the account's own choice is written by the switch's view (services.profile_set_elder_mode)
