"""A centre offers a place to an application (applications.py): the child is enrolled in one of the
centre's classes through services.enrol (age band, capacity and caregiver ratio checked there), the
application is marked offered with its enrolment, and the child's other open applications close.
One transaction: a refused enrolment leaves the application submitted."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.childcare.applications import ApplicationAction, locked_for
from carecircle.childcare.models import Application, ApplicationState, ChildClass
from carecircle.childcare.services import enrol
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput
from carecircle.core.types import Actor, signed_in


@transaction.atomic
def application_offer(
    *,
    actor: Actor,
    application: Application,
    child_class: ChildClass | None,
    start_on: datetime.date | None,
    request: HttpRequest | None = None,
) -> Application:
    row = locked_for(actor, application, ApplicationAction.OFFER)
    if child_class is None:
        raise InvalidInput(_("请选择入托班级"), field="child_class")
    if child_class.facility_id != row.facility_id:
        raise InvalidInput(
            _("%(c)s 不是%(f)s的班级") % {"c": child_class.name, "f": row.facility.name}, field="child_class"
        )
    if not isinstance(start_on, datetime.date):
        raise InvalidInput(_("请填写入托日期"), field="start_on")
    if start_on < timezone.localdate():
        raise InvalidInput(_("入托日期不能早于今天"), field="start_on")
    enrolment = enrol(
        actor=actor, child_class=child_class, child=row.child, start_on=start_on, request=request
    )
    now = timezone.now()
    row.state = ApplicationState.OFFERED
    row.enrolment = enrolment
    row.decided_by = actor if signed_in(actor) else None
    row.decided_at = now
    row.save(update_fields=["state", "enrolment", "decided_by", "decided_at"])
    closed = (
        Application.objects.filter(child_id=row.child_id, state=ApplicationState.SUBMITTED)
        .exclude(pk=row.pk)
        .update(state=ApplicationState.CLOSED, decided_at=now)
    )
    audit.record(
        actor=actor,
        action=AuditAction.CHILDCARE_APPLICATION_OFFER,
        obj=row,
        request=request,
        child=row.child_id,
        enrolment=enrolment.pk,
        closed=closed,
    )
    return row
