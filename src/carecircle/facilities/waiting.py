"""Admission waiting lists of public institutions (Jiaxing 二(三)9: 入住轮候制度; Hangzhou 三(一)1: 特困、
失能、高龄 first). The order comes from the published WaitingRule (data): a list of criteria applied
in turn. Each applicant can see their place and why; offers go out in that order; declines are kept."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, regions
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.organisations import ORGANISATION_ROLES
from carecircle.core.roles import permissions_of
from carecircle.core.types import signed_in
from carecircle.facilities.models import (
    PUBLIC_KINDS,
    BedKind,
    Facility,
    FilingStatus,
    Offer,
    OfferResponse,
    WaitingEntry,
    WaitingRule,
    WaitingState,
)
from carecircle.facilities.selectors import offer_open, require_facility, scope_q
from carecircle.facilities.services import free_bed, stay_admit, waiting_checks
from carecircle.registry.models import Person, PersonStatus, StatusKind
from carecircle.registry.selectors import family_persons, population_group

LEVEL_NAMES = {0: _("能力完好"), 1: _("轻度失能"), 2: _("中度失能"), 3: _("重度失能"), 4: _("完全失能")}
CRITERIA = {
    "tekun": _("特困供养人员"),
    "disabled": _("失能老年人"),
    "capability_level": _("能力等级（失能程度）"),
    "age": _("年龄"),
    "applied_at": _("登记时间"),
    "severe_disability": _("重度残疾"),
}


def capability_levels(persons, day: datetime.date) -> dict[int, int | None]:
    """Capability level (0 能力完好 … 4 完全失能) per person id from the assessment module, in one
    query; None for a person without an assessment in force, or when the module is not installed."""
    ids = [p.pk for p in persons]
    try:
        from carecircle.assessment.selectors import level_subquery  # noqa: PLC0415 — an optional library: absent is handled here
    except ImportError:
        try:
            from carecircle.assessment.selectors import current_level  # noqa: PLC0415 — an optional library: absent is handled here
        except ImportError:
            return dict.fromkeys(ids)
        return {p.pk: current_level(p, day) for p in persons}
    rows = Person.objects.filter(pk__in=ids).annotate(level=level_subquery(day)).values_list("pk", "level")
    return {pk: level for pk, level in rows}


def rule_for(facility: Facility, day: datetime.date) -> WaitingRule:
    return _rules_for([facility.pk], day)[facility.pk]


def _rules_for(facility_ids: list[int], day: datetime.date) -> dict[int, WaitingRule]:
    """The rule in force on `day` for each facility (its own, else the city's), in one query."""
    in_force = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    own: dict[int, WaitingRule] = {}
    default = None
    for rule in WaitingRule.objects.filter(in_force).filter(
        Q(facility_id__in=facility_ids) | Q(facility__isnull=True)
    ):
        if rule.facility_id is None:
            default = default or rule
        else:
            own.setdefault(rule.facility_id, rule)
    out = {}
    for pk in facility_ids:
        chosen = own.get(pk) or default
        if chosen is None:
            raise Conflict(_("尚未发布轮候规则"))
        for c in chosen.criteria:
            if c.get("key") not in CRITERIA or c.get("order", "desc") not in ("asc", "desc"):
                raise Conflict(_("轮候规则“%(n)s”中有无法识别的条件：%(c)s") % {"n": chosen.name, "c": c})
        out[pk] = chosen
    return out


@dataclass
class Place:
    rank: int
    entry: WaitingEntry
    facts: dict
    reason: str


def _facts(entries, day) -> dict[int, dict]:
    person_ids = [e.person_id for e in entries]
    held = set(
        PersonStatus.objects.filter(
            person_id__in=person_ids,
            kind__in=[StatusKind.TEKUN, StatusKind.SEVERE_DISABILITY],
            valid_from__lte=day,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("person_id", "kind")
    )
    levels = capability_levels([e.person for e in entries], day)
    out = {}
    for e in entries:
        level = levels.get(e.person_id)
        out[e.pk] = {
            "tekun": (e.person_id, StatusKind.TEKUN) in held,
            "severe_disability": (e.person_id, StatusKind.SEVERE_DISABILITY) in held,
            "capability_level": level,
            "age": age_on(e.person.birth_date, day),
            "applied_at": e.applied_at,
        }
    return out


def _key(criteria, facts, entry):
    key = []
    for c in criteria:
        name, desc = c["key"], c.get("order", "desc") == "desc"
        if name == "disabled":
            level = facts["capability_level"]
            # 失能 unless the rule sets its own level: registry/groups.py (GB/T 42195-2022: 1 轻度失能)
            least = c.get("min_level", population_group("disabled").min_level())
            value = 1 if level is not None and least is not None and level >= int(least) else 0
        elif name == "applied_at":
            value = facts["applied_at"].timestamp()
        elif name == "capability_level":
            # An unknown level ranks after every known one, whichever the direction.
            level = facts["capability_level"]
            key.append((0 if level is not None else 1, -(level or 0) if desc else (level or 0)))
            continue
        else:
            value = int(facts[name]) if isinstance(facts[name], bool) else facts[name]
        key.append(-value if desc else value)
    key.append(entry.applied_at.timestamp())
    key.append(entry.pk)
    return key


def describe(facts: dict) -> str:
    level = facts["capability_level"]
    parts = [
        _("特困：%(v)s") % {"v": _("是") if facts["tekun"] else _("否")},
        _("能力等级：%(v)s") % {"v": LEVEL_NAMES.get(level, level) if level is not None else _("未评估")},
        _("年龄：%(v)d岁") % {"v": facts["age"]},
        _("登记：%(v)s") % {"v": timezone.localtime(facts["applied_at"]).strftime("%Y-%m-%d %H:%M")},
    ]
    return "；".join(str(p) for p in parts)


def ranked(facility: Facility, day: datetime.date | None = None) -> list[Place]:
    """The open entries (waiting or offered) of a facility in the order of its rule on `day`."""
    return ranked_many([facility], day)[facility.pk]


def ranked_many(facilities, day: datetime.date | None = None) -> dict[int, list[Place]]:
    """ranked() for several facilities in a fixed number of queries (the waiting list page)."""
    day = day or timezone.localdate()
    ids = sorted({f.pk for f in facilities})
    if not ids:
        return {}
    rules = _rules_for(ids, day)
    entries = list(
        WaitingEntry.objects.filter(
            facility_id__in=ids, state__in=[WaitingState.WAITING, WaitingState.OFFERED]
        ).select_related("person")
    )
    facts = _facts(entries, day)
    return {pk: _places(rules[pk], [e for e in entries if e.facility_id == pk], facts) for pk in ids}


def _places(rule: WaitingRule, entries: list[WaitingEntry], facts: dict[int, dict]) -> list[Place]:
    entries.sort(key=lambda e: _key(rule.criteria, facts[e.pk], e))
    places = []
    for i, e in enumerate(entries, start=1):
        f = facts[e.pk]
        ahead = entries[: i - 1]
        why = describe(f)
        if ahead:
            tekun_ahead = sum(1 for a in ahead if facts[a.pk]["tekun"])
            why += "。" + _("排在前面的 %(n)d 人中，特困 %(t)d 人") % {"n": len(ahead), "t": tekun_ahead}
        places.append(Place(i, e, f, why))
    return places


# ------------------------------------------------------------------ writes


@transaction.atomic
def waiting_apply(
    *,
    actor,
    facility: Facility,
    person,
    bed_kind: str = BedKind.GENERAL,
    note: str = "",
    applied_at=None,
    request=None,
) -> WaitingEntry:
    """Register an older person on a public institution's waiting list; the person's street or
    community worker (or the institution) does it."""
    if facility.kind in PUBLIC_KINDS and facility.status == FilingStatus.FILED:
        if not _reaches_person(actor, person.region_code):
            require_facility(actor, "facilities.waiting", facility)
    waiting_checks(facility, person, bed_kind)  # the same rules as a resident's own application
    try:
        with transaction.atomic():
            entry = WaitingEntry.objects.create(
                facility=facility,
                person=person,
                region_code=facility.region_code,
                person_region_code=person.region_code,
                applied_at=applied_at or timezone.now(),
                bed_kind=bed_kind,
                note=note[:200],
                created_by=actor if signed_in(actor) else None,
            )
    except IntegrityError:
        raise Conflict(_("此人已在该机构轮候名单中"), field="person") from None
    audit.record(
        actor=actor,
        action=AuditAction.WAITING_APPLY,
        obj=facility,
        request=request,
        entry=entry.pk,
        person=person.pk,
    )
    return entry


@transaction.atomic
def waiting_withdraw(*, actor, entry: WaitingEntry, reason: str, request=None) -> WaitingEntry:
    entry = WaitingEntry.objects.select_for_update().select_related("facility").get(pk=entry.pk)
    if not _reaches_person(actor, entry.person_region_code):
        require_facility(actor, "facilities.waiting", entry.facility)
    if entry.state not in (WaitingState.WAITING, WaitingState.OFFERED):
        raise Conflict(_("该登记已结束（%(s)s）") % {"s": entry.get_state_display()})
    Offer.objects.filter(entry=entry, response=OfferResponse.OPEN).update(
        response=OfferResponse.DECLINED, responded_at=timezone.now(), decline_reason=_("撤销轮候")
    )
    entry.state, entry.closed_at = WaitingState.WITHDRAWN, timezone.now()
    entry.note = (reason or "")[:200] or entry.note
    entry.save(update_fields=["state", "closed_at", "note"])
    audit.record(
        actor=actor,
        action=AuditAction.WAITING_WITHDRAW,
        obj=entry.facility,
        request=request,
        entry=entry.pk,
        reason=reason,
    )
    return entry


@transaction.atomic
def offer_next(*, actor, facility: Facility, day: datetime.date | None = None, request=None) -> Offer:
    """Offer a free bed to the first waiting applicant (in rule order) whose bed kind is free."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    require_facility(actor, "facilities.beds", facility)
    day = day or timezone.localdate()
    skipped = []
    for place in ranked(facility, day):
        if place.entry.state != WaitingState.WAITING:
            continue
        bed = free_bed(facility, place.entry.bed_kind)
        if bed is None:
            skipped.append(place.rank)
            continue
        reason = place.reason
        if skipped:
            reason += "。" + _("第 %(r)s 位所需类型床位暂无空余，依次通知") % {
                "r": "、".join(map(str, skipped))
            }
        offer = Offer.objects.create(
            entry=place.entry,
            region_code=facility.region_code,
            bed=bed,
            rank=place.rank,
            reason=reason,
            offered_at=timezone.now(),
            offered_by=actor if signed_in(actor) else None,
        )
        WaitingEntry.objects.filter(pk=place.entry.pk).update(state=WaitingState.OFFERED)
        audit.record(
            actor=actor,
            action=AuditAction.WAITING_OFFER,
            obj=facility,
            request=request,
            entry=place.entry.pk,
            bed=bed.code,
            rank=place.rank,
        )
        return offer
    raise Conflict(_("没有可通知的轮候人员，或没有所需类型的空余床位"))


@transaction.atomic
def offer_respond(
    *, actor, offer: Offer, accept: bool, reason: str = "", day: datetime.date | None = None, request=None
) -> Offer:
    """Record the applicant's answer. Accepting admits them to the offered bed; declining is
    recorded with its reason and they keep their place on the list."""
    offer = (
        Offer.objects.select_for_update()
        .select_related("entry", "entry__facility", "entry__person", "bed")
        .get(pk=offer.pk)
    )
    entry = offer.entry
    require_facility(actor, "facilities.beds", entry.facility)
    if not offer_open(offer):  # selectors.offer_actions, what the facility page offers, is the same rule
        raise Conflict(_("该通知已答复（%(s)s）") % {"s": offer.get_response_display()})
    now = timezone.now()
    if accept:
        stay_admit(
            actor=actor,
            facility=entry.facility,
            person=entry.person,
            bed=offer.bed,
            day=day or timezone.localdate(),
            request=request,
            _checked=True,
        )
        offer.response = OfferResponse.ACCEPTED
        entry.state, entry.closed_at = WaitingState.ADMITTED, now
    else:
        if not (reason or "").strip():
            raise InvalidInput(_("请记录放弃原因"), field="reason")
        offer.response, offer.decline_reason = OfferResponse.DECLINED, reason.strip()[:200]
        entry.state = WaitingState.WAITING
    offer.responded_at = now
    offer.save(update_fields=["response", "responded_at", "decline_reason"])
    entry.save(update_fields=["state", "closed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.WAITING_RESPOND,
        obj=entry.facility,
        request=request,
        offer=offer.pk,
        accepted=accept,
        reason=reason,
    )
    return offer


# ------------------------------------------------------------------ reads


def registrar_prefixes(user) -> list[str]:
    """Region prefixes over which `user` registers elders on waiting lists: staff grants only (a
    provider admin acts for their institution, not for the residents of their region)."""
    return [
        regions.prefix_of(region)
        for role, region in user.grants.values_list("role", "region_id")
        if "facilities.waiting" in permissions_of(role) and role not in ORGANISATION_ROLES
    ]


def _reaches_person(user, region_code: str) -> bool:
    return any(region_code.startswith(p) for p in registrar_prefixes(user))


def entries_for(*, user):
    """Waiting entries a staff user may see: of facilities in scope, or of persons in their region."""
    parts = [Q(person_region_code__startswith=p) for p in registrar_prefixes(user)]
    by_facility = scope_q(user, "facilities.waiting", "facility__")
    if by_facility is not None:
        parts.append(by_facility)
    if not parts:
        return WaitingEntry.objects.none()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return (
        WaitingEntry.objects.filter(q)
        .select_related("facility", "person")
        .order_by("facility_id", "applied_at", "id")
    )


def entry_get(*, user, entry_id: int) -> WaitingEntry:
    entry = WaitingEntry.objects.select_related("facility", "person").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    if not _reaches_person(user, entry.person_region_code):
        require_facility(user, "facilities.waiting", entry.facility)
    return entry


def my_places(user, day: datetime.date | None = None) -> list[dict]:
    """The applicant's (or their family's) own open entries with place, total and reason."""
    persons = family_persons(user).values("pk")
    out = []
    entries = WaitingEntry.objects.filter(
        person__in=persons, state__in=[WaitingState.WAITING, WaitingState.OFFERED]
    )
    for facility in Facility.objects.filter(pk__in=entries.values("facility_id")):
        places = ranked(facility, day)
        for p in places:
            if p.entry.person_id in {x["pk"] for x in persons}:
                out.append(
                    {
                        "facility": facility,
                        "person": p.entry.person,
                        "rank": p.rank,
                        "total": len(places),
                        "reason": p.reason,
                        "state": p.entry.get_state_display(),
                        "rule": rule_for(facility, day or timezone.localdate()).published_text,
                    }
                )
    return out
