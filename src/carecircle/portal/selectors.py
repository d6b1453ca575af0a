"""Reads of the residents' side. Other modules (and the portal's own pages) import these."""

from __future__ import annotations

from carecircle.core.types import Actor, signed_in
from carecircle.portal.models import ResidentProfile


def profile_elder_mode(user: Actor) -> bool | None:
    """The account's own 长辈模式 choice: True or False when it made one, None when it made none
    (the page then follows the browser's cookie, else on for an older person's own account:
    portal/elder.py)."""
    if not signed_in(user):
        return None
    return ResidentProfile.objects.filter(user=user).values_list("elder_mode", flat=True).first()
