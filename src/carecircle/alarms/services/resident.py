"""一键呼叫 from the residents' pages (portal): the resident channel of the alarm centre.

A resident account (the older person's own, or a linked family member's) raises an SOS for one of
the persons linked to it (`registry.selectors.family_persons`); the incident enters the operators'
queue like a device's SOS, as a call (`Source.PHONE`, kind `sos`) whose timeline says it came from
the residents' pages and from which account. Pressing again while the incident is open answers the
same incident (a second press is noted on it, never a second incident). The resident then follows
the incident's state on `incident_for_resident`, which answers only for their own persons."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.alarms import events
from carecircle.alarms.incidents import timeline_add
from carecircle.alarms.models import OPEN_STATES, AlarmKind, Incident, Source, TimelineKind
from carecircle.alarms.services._state import _now
from carecircle.alarms.services.incidents import incident_create
from carecircle.core import audit
from carecircle.core.access import access_by_id
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, NotFound
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons, on_behalf_of

if TYPE_CHECKING:
    from django.http import HttpRequest

RESIDENT_KIND = AlarmKind.SOS


def _own_person(actor: Actor, person_id: int) -> Person:
    """A person linked to the account: otherwise the same refusal whether the person exists or not."""
    if not signed_in(actor):
        raise Forbidden(_("请先登录再使用一键呼叫"))
    linked = family_persons(actor)
    if not linked.exists():
        raise Forbidden(
            _("您的账号还没有关联老人，暂时不能一键呼叫。紧急情况请直接拨打120，并请社区工作人员为您关联。")
        )
    person = linked.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("找不到这位老人，或您没有为他呼叫的权限"))
    return person


@transaction.atomic
def incident_raise_by_resident(
    *,
    actor: Actor,
    person_id: int,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Incident:
    """Raise an SOS for `person_id` from the residents' pages (or answer the one already open)."""
    person = _own_person(actor, person_id)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one press at a time per person
    now = _now(now)
    who = str(actor)
    open_one = (
        Incident.objects.filter(person=person, source=Source.PHONE, kind=RESIDENT_KIND, state__in=OPEN_STATES)
        .order_by("-opened_at")
        .first()
    )
    if open_one is not None:
        timeline_add(
            open_one, TimelineKind.NOTE, _("居民端再次呼叫（账号：%(u)s）") % {"u": who}, now=now, actor=actor
        )
        open_one.alarm_count += 1
        open_one.last_alarm_at = now
        open_one.save(update_fields=["alarm_count", "last_alarm_at"])
        events.incident_changed(open_one)
        return open_one
    incident = incident_create(
        person=person,
        source=Source.PHONE,
        kind=RESIDENT_KIND,
        title=_("一键呼叫（居民端）：%(n)s") % {"n": person.name},
        now=now,
        actor=actor,
        publish=False,
    )
    incident.alarm_count = 1
    incident.last_alarm_at = now
    incident.save(update_fields=["alarm_count", "last_alarm_at"])
    timeline_add(
        incident,
        TimelineKind.NOTE,
        _("居民通过长辈模式页面一键呼叫（账号：%(u)s）") % {"u": who},
        now=now,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ALARMS_INCIDENT_OPEN,
        obj=incident,
        request=request,
        kind=RESIDENT_KIND.value,
        channel="resident",
        **on_behalf_of(actor, person),  # a linked family member raised it for the person
    )
    events.incident_changed(incident)
    return incident


def incident_for_resident(*, user: Actor, incident_id: int) -> Incident:
    """An incident of one of the account's persons (what the resident's state page shows)."""
    persons = family_persons(user).values("pk")
    return access_by_id(
        Incident.objects.filter(person_id__in=persons).select_related("person"),
        incident_id,
        user=user,
        perm="portal.home",
        check=_linked,  # the rows are the account's own persons' already
    )


def _linked(user: Actor, perm: str, incident: Incident) -> None:  # noqa: ARG001 — access_by_id's check
    """Nothing more to check: `incident_for_resident` reads only the account's persons' incidents."""
