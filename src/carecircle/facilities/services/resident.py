"""An older person, or a family member linked to them, puts the person on a public institution's
admission waiting list online (Jiaxing 二(三)9 入住轮候制度; Hangzhou 三(一)5 网上业务办理): the same
entry the street or community worker registers (waiting.waiting_apply), ranked by the published
rule, followed on the resident's pages. Refused in plain words: a person one is not linked to, an
institution that keeps no waiting list, someone already waiting there or already staying there."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.ages import age_on
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.models import (
    PUBLIC_KINDS,
    BedKind,
    Facility,
    FilingStatus,
    Stay,
    WaitingEntry,
    WaitingState,
)
from carecircle.registry.models import EXIT_STATUSES, Person, PersonStatus
from carecircle.registry.selectors import family_persons, on_behalf_of


def waiting_checks(facility: Facility, person: Person, bed_kind: str) -> None:
    """What makes an entry on a waiting list possible at all, for a worker or a resident alike."""
    if facility.kind not in PUBLIC_KINDS:
        raise InvalidInput(_("只有公办（公建民营）养老机构实行轮候登记"), field="facility")
    if facility.status != FilingStatus.FILED:
        raise Conflict(_("设施未备案运营，不能登记轮候"), field="facility")
    if bed_kind not in BedKind.values:
        raise InvalidInput(_("未知的床位类型：%(k)s") % {"k": bed_kind}, field="bed_kind")
    day = timezone.localdate()
    if age_on(person.birth_date, day) < 60:
        raise InvalidInput(_("轮候人员应为60周岁及以上老年人"), field="person")
    if (
        PersonStatus.objects.filter(person=person, kind__in=EXIT_STATUSES, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .exists()
    ):
        raise InvalidInput(_("此人已去世或迁出，不能登记轮候"), field="person")


@transaction.atomic
def waiting_apply_resident(
    *,
    actor: Actor,
    facility: Facility,
    person: Person,
    bed_kind: str = BedKind.GENERAL,
    note: str = "",
    request: HttpRequest | None = None,
) -> WaitingEntry:
    """The person themself, or a linked family member, applies for a place on the waiting list."""
    if not signed_in(actor):
        raise Forbidden(_("请先登录"))
    linked = family_persons(actor).filter(pk=person.pk).first()
    if linked is None:
        raise Forbidden(_("您的账号没有关联此人，不能为其申请"), field="person")
    person = linked
    waiting_checks(facility, person, bed_kind)
    note = (note or "").strip()
    if len(note) > 200:
        raise InvalidInput(_("申请说明不能超过200个字"), field="note")
    if Stay.objects.filter(person=person, facility=facility, discharged_on__isnull=True).exists():
        raise Conflict(
            _("%(n)s已入住%(f)s，不用再排队轮候") % {"n": person.name, "f": facility.name}, field="facility"
        )
    open_entry = WaitingEntry.objects.filter(
        person=person, facility=facility, state__in=[WaitingState.WAITING, WaitingState.OFFERED]
    ).first()
    if open_entry is not None:
        raise Conflict(
            _("%(n)s已在%(f)s的轮候名单中（%(s)s），不用重复申请")
            % {"n": person.name, "f": facility.name, "s": open_entry.get_state_display()},
            field="facility",
        )
    try:
        with transaction.atomic():
            entry = WaitingEntry.objects.create(
                facility=facility,
                person=person,
                region_code=facility.region_code,
                person_region_code=person.region_code,
                applied_at=timezone.now(),
                bed_kind=bed_kind,
                note=note,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("%(n)s已在%(f)s的轮候名单中，不用重复申请") % {"n": person.name, "f": facility.name},
            field="facility",
        ) from None
    audit.record(
        actor=actor,
        action=AuditAction.WAITING_APPLY_RESIDENT,
        obj=facility,
        request=request,
        entry=entry.pk,
        person=person.pk,
        **on_behalf_of(actor, person),
    )
    return entry
