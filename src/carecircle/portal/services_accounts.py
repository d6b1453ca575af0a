"""Writes of the residents' accounts: the profile (phone, 长辈模式). Re-exported by
portal/services.py; the one-time codes and sign-in are in portal/accounts.py."""

from __future__ import annotations

from django.db import transaction

from carecircle.core.models import User
from carecircle.portal.models import ResidentProfile


@transaction.atomic
def profile_set_elder_mode(*, user: User, on: bool) -> None:
    """Remember the account's 长辈模式 choice (the switch at the top of every resident page). Not
    audited: a display preference, no personal data."""
    ResidentProfile.objects.update_or_create(user=user, defaults={"elder_mode": on})
