"""The facility operator's admission desk: find an applicant or a resident by ID number or name
among the OWN facilities' waiting lists (the applications) and current stays, and admit an
applicant to a free bed.

Nothing here looks outside the user's facilities: an ID number goes through the registry's blind
index (core.vault.blind_index, as registry.selectors.person_search finds a person by number) but
only as a filter on the facilities' own waiting entries and stays, so an ID number of someone not on
them gets the same answer whether or not that person exists elsewhere. Names and ID numbers are
shown as every staff page shows them: the name, the ID number masked (its first 6 digits) and the
age counted from the birth month (core/vault.py, "The masking rule").

Public institutions admit in the order of their published rule (Jiaxing 二(三)9): an applicant
already offered a bed is admitted to that bed; one still waiting only when they are the one the
next offer would go to (the first waiting applicant whose kind of bed is free), and the admission
then writes that offer and its acceptance, as offer_next and offer_respond would."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import blind_index, mask_id_number, shown_age
from carecircle.facilities import waiting
from carecircle.facilities.models import (
    PUBLIC_KINDS,
    Bed,
    BedKind,
    Facility,
    FilingStatus,
    Offer,
    OfferResponse,
    Stay,
    WaitingEntry,
    WaitingState,
)
from carecircle.facilities.selectors import in_facility_scope, require_facility
from carecircle.facilities.services import free_beds

LIMIT = 50  # rows of each kind a search shows
BEDS_SHOWN = 30  # free beds offered in one row's picker
OPEN_STATES = [WaitingState.WAITING, WaitingState.OFFERED]


@dataclass
class Found:
    """One row of a search: an applicant (entry, perhaps offered a bed) or a resident (stay)."""

    facility: Facility
    name: str
    id_masked: str
    age: int
    entry: WaitingEntry | None = None
    offer: Offer | None = None
    stay: Stay | None = None
    rank: int | None = None
    beds: list[Bed] = field(default_factory=list)  # the beds the operator may admit them to
    blocked: str = ""  # why they cannot be admitted now ("" when they can)

    @property
    def state(self) -> str:
        if self.stay is not None:
            return _("在住 · 床位 %(b)s") % {"b": self.stay.bed.code}
        assert self.entry is not None
        if self.offer is not None:
            return _("已通知入住 · 床位 %(b)s") % {"b": self.offer.bed.code}
        return _("轮候中 · 第 %(r)s 位") % {"r": self.rank or "—"}


def admitting_facilities(user: Actor) -> QuerySet[Facility]:
    """The filed facilities where `user` admits residents (facilities.beds: staff of the region, or
    the operator's own admin)."""
    filed = Facility.objects.filter(status=FilingStatus.FILED)
    return in_facility_scope(filed, user, "facilities.beds").order_by("name", "id")


def _who(q: str) -> Q:
    """The person filter a search text stands for: a whole, valid ID number through the blind index,
    else a part of the name. A part of an ID number is refused (it would tell the hidden digits)."""
    text = (q or "").strip()
    if not text:
        raise InvalidInput(_("请输入姓名或身份证号"), field="q")
    if text[:6].isdigit():
        number = text.upper()
        well_formed = (
            len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")
        )
        if not well_formed or number[17] != ric.calc_check_digit(number):  # the GB 11643 check digit
            raise InvalidInput(
                _("身份证号应为完整的18位号码（最后一位可为X），请核对：%(n)s")
                % {"n": mask_id_number(number)},
                field="q",
            )
        return Q(person__id_hash=blind_index(number))
    if len(text) > 50:
        raise InvalidInput(_("姓名最多50个字"), field="q")
    return Q(person__name__contains=text)


def not_found_message(q: str) -> str:
    """What a search that found no one says: the same whether or not the person exists elsewhere."""
    text = (q or "").strip()
    if text[:6].isdigit():
        return _(
            "本机构的轮候名单、入住申请和在住人员中没有身份证号为 %(n)s 的人员。"
            "公办（公建民营）机构须先由其所在社区或街道登记轮候。"
        ) % {"n": mask_id_number(text.upper())}
    return _("本机构的轮候名单、入住申请和在住人员中没有姓名含“%(q)s”的人员。") % {"q": text}


def find(
    *, user: Actor, facilities: QuerySet[Facility], q: str, day: datetime.date | None = None
) -> list[Found]:
    """Applicants (open waiting entries) and residents (open stays) of `facilities` — narrowed to
    those `user` admits to — whose ID number is `q` or whose name contains it."""
    who = _who(q)
    day = day or timezone.localdate()
    own = admitting_facilities(user).filter(pk__in=facilities.values("pk"))
    entries = list(
        WaitingEntry.objects.filter(who, facility__in=own, state__in=OPEN_STATES)
        .select_related("facility", "person")
        .order_by("facility__name", "applied_at", "id")[:LIMIT]
    )
    stays = list(
        Stay.objects.filter(who, facility__in=own, discharged_on__isnull=True)
        .select_related("facility", "person", "bed")
        .order_by("facility__name", "bed__code", "id")[:LIMIT]
    )
    offers = {
        o.entry_id: o
        for o in Offer.objects.filter(entry__in=entries, response=OfferResponse.OPEN).select_related("bed")
    }
    places = waiting.ranked_many({e.facility for e in entries}, day)
    ranks = {p.entry.pk: p.rank for rows in places.values() for p in rows}
    by_id = {e.facility_id: e.facility for e in entries}
    nexts = {pk: _next_in_order(rows, by_id[pk]) for pk, rows in places.items()}
    out = []
    for e in entries:
        row = Found(
            facility=e.facility,
            name=e.person.name,
            id_masked=e.person.id_masked,
            age=shown_age(e.person.birth_date, day),
            entry=e,
            offer=offers.get(e.pk),
            rank=ranks.get(e.pk),
        )
        row.beds, row.blocked = _admission_choice(row, nexts.get(e.facility_id))
        out.append(row)
    out += [
        Found(
            facility=s.facility,
            name=s.person.name,
            id_masked=s.person.id_masked,
            age=shown_age(s.person.birth_date, day),
            stay=s,
        )
        for s in stays
    ]
    return out


def _next_in_order(places: list[waiting.Place], facility: Facility) -> tuple[waiting.Place, Bed] | None:
    """The applicant the next offer would go to, with the bed (waiting.offer_next's rule)."""
    first_free: dict[str, Bed | None] = {}  # one query per kind of bed
    for place in places:
        if place.entry.state != WaitingState.WAITING:
            continue
        kind = place.entry.bed_kind
        if kind not in first_free:
            first_free[kind] = free_beds(facility, kind).first()
        bed = first_free[kind]
        if bed is not None:
            return place, bed
    return None


def _admission_choice(row: Found, nxt: tuple[waiting.Place, Bed] | None) -> tuple[list[Bed], str]:
    """The beds `row`'s applicant may be admitted to now, or why none."""
    assert row.entry is not None
    if row.offer is not None:
        return [row.offer.bed], ""
    beds = list(free_beds(row.facility, row.entry.bed_kind)[:BEDS_SHOWN])
    if not beds:
        return [], _("暂无空余的%(k)s") % {"k": BedKind(row.entry.bed_kind).label}
    if row.facility.kind in PUBLIC_KINDS and (nxt is None or nxt[0].entry.pk != row.entry.pk):
        ahead = nxt[0].rank if nxt else None
        return [], _("须按轮候顺序入住：当前应先通知第 %(n)s 位") % {"n": ahead or "—"}
    return beds, ""


# ------------------------------------------------------------------ write


@transaction.atomic
def entry_admit(
    *,
    actor: Actor,
    entry: WaitingEntry,
    bed: Bed | None = None,
    day: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Stay:
    """Admit an applicant of the waiting list to `bed` (None: the offered bed, or the first free
    bed of the kind they applied for). An offered applicant is admitted to the offered bed; a
    waiting one of a public institution only when the rule puts them next."""
    facility = Facility.objects.select_for_update().get(pk=entry.facility_id)
    require_facility(actor, "facilities.beds", facility)
    entry = WaitingEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
    if entry.state not in OPEN_STATES:
        raise Conflict(_("该登记已结束（%(s)s）") % {"s": entry.get_state_display()})
    day = day or timezone.localdate()
    offer = Offer.objects.filter(entry=entry, response=OfferResponse.OPEN).select_related("bed").first()
    if offer is None:
        offer = _offer_for(actor, facility, entry, bed, day, request)
    elif bed is not None and bed.pk != offer.bed_id:
        raise InvalidInput(
            _("已通知其入住床位 %(b)s，请按通知的床位办理") % {"b": offer.bed.code}, field="bed"
        )
    waiting.offer_respond(actor=actor, offer=offer, accept=True, day=day, request=request)
    return Stay.objects.select_related("bed", "person").get(
        facility=facility, person=entry.person, discharged_on__isnull=True
    )


def _offer_for(
    actor: Actor,
    facility: Facility,
    entry: WaitingEntry,
    bed: Bed | None,
    day: datetime.date,
    request: HttpRequest | None,
) -> Offer:
    """The offer of `bed` to a waiting applicant who is next in order (written, then accepted)."""
    places = waiting.ranked(facility, day)
    nxt = _next_in_order(places, facility)
    place = next((p for p in places if p.entry.pk == entry.pk), None)
    if place is None:
        raise Conflict(_("该登记已结束（%(s)s）") % {"s": entry.get_state_display()})
    free = free_beds(facility, entry.bed_kind)
    if not free.exists():
        raise Conflict(_("暂无空余的%(k)s") % {"k": BedKind(entry.bed_kind).label}, field="bed")
    if facility.kind in PUBLIC_KINDS and (nxt is None or nxt[0].entry.pk != entry.pk):
        raise Conflict(
            _("须按轮候顺序入住：%(n)s排第 %(r)d 位，当前应先通知第 %(a)s 位")
            % {"n": entry.person.name, "r": place.rank, "a": nxt[0].rank if nxt else "—"}
        )
    if bed is None:
        bed = free.first()
    elif bed.facility_id != facility.pk or not free.filter(pk=bed.pk).exists():
        raise InvalidInput(
            _("床位 %(b)s 不是空余的%(k)s，请另选") % {"b": bed.code, "k": BedKind(entry.bed_kind).label},
            field="bed",
        )
    assert bed is not None
    offer = Offer.objects.create(
        entry=entry,
        region_code=facility.region_code,
        bed=bed,
        rank=place.rank,
        reason=place.reason,
        offered_at=timezone.now(),
        offered_by=actor if signed_in(actor) else None,
    )
    WaitingEntry.objects.filter(pk=entry.pk).update(state=WaitingState.OFFERED)
    audit.record(
        actor=actor,
        action=AuditAction.WAITING_OFFER,
        obj=facility,
        request=request,
        entry=entry.pk,
        bed=bed.code,
        rank=place.rank,
    )
    return offer
