"""Fetch one object by its id and check the user may act on it, in one call (after Zulip's
`access_*_by_id`).

A missing row, an id that is not an id at all, and a row outside the user's regions are the same
`NotFound` (404), so an id's existence never leaks; a row the user can see but lacks `perm` over is
`Forbidden` (403), as `scope.require` decides. Selectors and services call

    access_by_id(Person.objects.all(), person_id, user=user, perm="registry.view")

instead of fetching, testing for None and calling `scope.require` by hand. A module whose objects
are checked another way (a facility's operator and kind) passes `check=` with the same signature as
`scope.require` but taking the object: `check=require_facility`.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from carecircle.core import scope
from carecircle.core.errors import NotFound
from carecircle.core.types import Actor

M = TypeVar("M", bound=Model)


def access_by_id(
    rows: QuerySet[M],
    object_id: object,
    *,
    user: Actor,
    perm: str,
    region_field: str = "region_code",
    check: Callable[[Actor, str, M], None] | None = None,
) -> M:
    """The row of `rows` with primary key `object_id`, once `user` holds `perm` over it: over the
    region in `region_field` (a dotted path such as `facility.region_code` is allowed), or as
    `check(user, perm, row)` decides. `rows` may carry select_related/select_for_update."""
    try:
        row = rows.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):  # "abc" where an integer id belongs
        raise NotFound() from None
    if row is None:
        raise NotFound()
    if check is not None:
        check(user, perm, row)
    else:
        scope.require(user, perm, str(attrgetter(region_field)(row)))
    return row
