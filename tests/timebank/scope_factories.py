"""Scope-walk factories of the time bank: an open request for an older person of region A."""

import datetime
from decimal import Decimal

from django.utils import timezone


def make_help_request(ctx) -> int:
    from carecircle.timebank import services

    person = ctx.make_person(age=78)
    req = services.request_post(
        actor=ctx.users["community"],
        person=person,
        kind="companionship",
        wanted_on=timezone.localdate() + datetime.timedelta(days=1),
        hours=Decimal("1.5"),
    )
    return req.pk


FACTORIES = {"help_request_id": make_help_request}
