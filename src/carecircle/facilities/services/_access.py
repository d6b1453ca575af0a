"""Who may act on a facility: a grant that reaches its region, operator and kind."""

from carecircle.core import scope
from carecircle.core.errors import Forbidden, NotFound
from carecircle.core.models import User
from carecircle.core.roles import permissions_of
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import facility_grants, grant_reaches

# ------------------------------------------------------------------ who may act


def reaches(user: Actor, perm: str, region_code: str, operator_id: int | None, facility_kind: str) -> bool:
    """Whether `user` holds `perm` for a facility of `operator_id` and `facility_kind` in `region_code`."""
    return any(
        perm in permissions_of(g[0]) and grant_reaches(g, region_code, operator_id, facility_kind)
        for g in facility_grants(user)
    )


def _require_reach(
    user: Actor, perm: str, region_code: str, operator_id: int | None, facility_kind: str
) -> None:
    if reaches(user, perm, region_code, operator_id, facility_kind):
        return
    if scope.has_perm(user, "facilities.view", region_code):
        raise Forbidden()
    raise NotFound()


def _user(actor: Actor) -> User | None:
    return actor if signed_in(actor) else None
