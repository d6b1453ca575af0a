"""Reads of the time bank, always through core.scope or the party checks below.

Who may see a help request: staff holding timebank.view over its region; the person's side (their
own account or a relative's consented link: registry.selectors.family_persons); the volunteer who
took it; and, while it is open, a volunteer of its district, or any volunteer of the city once it
has waited `city_wide_after_days` (the rule) or was escalated (so the hours are honoured across
districts: "易存难兑" is what the issue guards against)."""

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import NotFound
from carecircle.core.models import Region
from carecircle.core.regions import COMMUNITY, DISTRICT, STREET, district_of, prefix_of
from carecircle.core.types import Actor, signed_in
from carecircle.registry import selectors as registry
from carecircle.registry.models import Person
from carecircle.timebank import _ledger
from carecircle.timebank._ledger import ledger_check, outstanding_by_district
from carecircle.timebank.models import (
    Account,
    AccountKind,
    GuaranteeDeposit,
    HelpRequest,
    Line,
    RequestStatus,
    Rule,
    Volunteer,
)
from carecircle.timebank.types import Cover, RequestAction

__all__ = ["ledger_check", "outstanding_by_district"]

VIEW, MANAGE = "timebank.view", "timebank.manage"


def rule_for(region_code: str) -> Rule:
    """The rule of the longest region prefix that `region_code` starts with ("" is the city)."""
    rules = sorted(Rule.objects.all(), key=lambda r: len(r.region_prefix), reverse=True)
    for rule in rules:
        if region_code.startswith(rule.region_prefix):
            return rule
    raise NotFound()


def volunteer_of(user: Actor) -> Volunteer | None:
    if not signed_in(user):
        return None
    return Volunteer.objects.filter(user=user, active=True).first()


def _persons_side(user: Actor, req: HelpRequest) -> bool:
    return signed_in(user) and registry.family_persons(user).filter(pk=req.person_id).exists()


def city_wide_since(req: HelpRequest, rule: Rule) -> datetime.datetime:
    return req.posted_at + datetime.timedelta(days=rule.city_wide_after_days)


def _open_to(volunteer: Volunteer, req: HelpRequest, now: datetime.datetime) -> bool:
    if req.status != RequestStatus.OPEN or req.person.user_id == volunteer.user_id:
        return False
    if district_of(req.region_code) == district_of(volunteer.region_code):
        return True
    return req.escalated_at is not None or now >= city_wide_since(req, rule_for(req.region_code))


def _check_request(user: Actor, perm: str, req: HelpRequest) -> None:
    if scope.has_perm(user, perm, req.region_code) or _persons_side(user, req):
        return
    volunteer = volunteer_of(user)
    if volunteer is not None and (
        req.volunteer_id == volunteer.pk or _open_to(volunteer, req, timezone.now())
    ):
        return
    scope.require(user, perm, req.region_code)


def request_get(*, user: Actor, request_id: object) -> HelpRequest:
    rows = HelpRequest.objects.select_related("person", "volunteer", "paid_by")
    return access_by_id(rows, request_id, user=user, perm=VIEW, check=_check_request)


def request_actions(user: Actor, req: HelpRequest) -> frozenset[RequestAction]:
    """What `user` may do with `req` now (the services refuse with the same rule)."""
    acts: set[RequestAction] = set()
    volunteer = volunteer_of(user)
    mine = volunteer is not None and req.volunteer_id == volunteer.pk
    if volunteer is not None and _open_to(volunteer, req, timezone.now()):
        acts.add(RequestAction.TAKE)
    if mine and req.status == RequestStatus.TAKEN:
        acts.add(RequestAction.CHECK_IN)
    if mine and req.status == RequestStatus.STARTED:
        acts.add(RequestAction.CHECK_OUT)
    confirmer = not mine and (_persons_side(user, req) or scope.has_perm(user, MANAGE, req.region_code))
    if confirmer and req.status == RequestStatus.DONE:
        acts.add(RequestAction.CONFIRM)
    if confirmer and req.status in (RequestStatus.OPEN, RequestStatus.TAKEN):
        acts.add(RequestAction.CANCEL)
    return frozenset(acts)


def open_requests_for(volunteer: Volunteer) -> list[HelpRequest]:
    """Open requests this volunteer may take: their district's, and the city's that waited long
    enough or were escalated (oldest first)."""
    now = timezone.now()
    rows = (
        HelpRequest.objects.filter(status=RequestStatus.OPEN)
        .exclude(person__user_id=volunteer.user_id)
        .select_related("person")
        .order_by("posted_at", "id")
    )
    district = district_of(volunteer.region_code)
    local = rows.filter(region_code__startswith=prefix_of(district))
    days = min((r.city_wide_after_days for r in Rule.objects.all()), default=0)
    elsewhere = rows.exclude(region_code__startswith=prefix_of(district)).filter(
        Q(escalated_at__isnull=False) | Q(posted_at__lte=now - datetime.timedelta(days=days))
    )
    return list(local[:50]) + [r for r in elsewhere[:200] if _open_to(volunteer, r, now)][:50]


def volunteer_requests(volunteer: Volunteer) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(volunteer=volunteer).select_related("person").order_by("-posted_at")


def family_requests(user: Actor) -> QuerySet[HelpRequest]:
    """The requests of the persons this account acts for (itself and linked relatives)."""
    persons = registry.family_persons(user).values("pk")
    return HelpRequest.objects.filter(person_id__in=persons).select_related("person", "volunteer")


def family_people(user: Actor) -> QuerySet[Person]:
    return registry.family_persons(user).order_by("name", "id")


def account_balance(account: Account | None) -> Decimal:
    return _ledger.balance(account) if account is not None else _ledger.ZERO


def volunteer_balance(volunteer: Volunteer) -> Decimal:
    return account_balance(Account.objects.filter(volunteer=volunteer).first())


def person_balances(user: Actor) -> list[tuple[Person, Decimal]]:
    people = list(family_people(user))
    accounts = {a.person_id: a for a in Account.objects.filter(person__in=people)}
    return [(p, account_balance(accounts.get(p.pk))) for p in people]


def persons_hours(person_ids: list[int]) -> Decimal:
    """The hours the time-bank accounts of these persons hold together (one query, however many
    persons): the resident home page's tile (portal/tiles.py)."""
    if not person_ids:
        return _ledger.ZERO
    rows = Line.objects.filter(account__kind=AccountKind.PERSON, account__person_id__in=person_ids)
    value: Decimal | None = rows.aggregate(s=Sum("hours"))["s"]
    return value if value is not None else _ledger.ZERO


def request_in_scope(user: Actor) -> QuerySet[HelpRequest]:
    return scope.in_scope(HelpRequest.objects.select_related("person", "volunteer"), user, VIEW)


def volunteers_in_scope(user: Actor) -> QuerySet[Volunteer]:
    return scope.in_scope(Volunteer.objects.all(), user, VIEW)


def guaranteed_by_district() -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for d in GuaranteeDeposit.objects.all().only("region_code", "hours", "money", "hour_value"):
        value = d.hours + (d.money / d.hour_value if d.hour_value else Decimal("0"))
        out[d.region_code] = out.get(d.region_code, Decimal("0")) + value
    return out


def covers(districts: list[str]) -> dict[str, Cover]:
    owed, guaranteed = outstanding_by_district(), guaranteed_by_district()
    return {
        d: Cover(
            region_code=d, outstanding=owed.get(d, Decimal("0")), guaranteed=guaranteed.get(d, Decimal("0"))
        )
        for d in districts
    }


def cover_of(*, user: Actor, region_code: str) -> Cover:
    district = district_of(region_code)
    scope.require(user, VIEW, district)
    return covers([district])[district]


def pool_account(region_code: str) -> Account | None:
    return Account.objects.filter(kind=AccountKind.POOL, region_code=district_of(region_code)).first()


def postable_people(user: Actor) -> QuerySet[Person]:
    """The persons `user` may post a request for: itself and consented relatives, and the persons of
    the regions where it holds timebank.manage."""
    own = registry.family_persons(user).values("pk")
    staff = scope.in_scope(Person.objects.all(), user, MANAGE).values("pk")
    return Person.objects.filter(Q(pk__in=own) | Q(pk__in=staff))


def communities() -> list[tuple[str, str]]:
    """Every community of the city as (code, "区 街道 社区"), for the volunteer's registration."""
    names = dict(Region.objects.filter(level__in=(DISTRICT, STREET)).values_list("code", "name"))
    rows = Region.objects.filter(level=COMMUNITY).order_by("code").values_list("code", "name", "parent_id")
    out = []
    for code, name, parent in rows:
        district = names.get(district_of(code), "")
        out.append((code, f"{district} {names.get(parent or '', '')} {name}".strip()))
    return out


def districts_for(user: Actor, perm: str = MANAGE) -> list[tuple[str, str]]:
    rows = scope.in_scope(Region.objects.filter(level=DISTRICT), user, perm, field="code").order_by("code")
    return list(rows.values_list("code", "name"))
