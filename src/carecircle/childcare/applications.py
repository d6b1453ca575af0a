"""Applications for a 托位 (Hangzhou 三(一)5 网上业务办理; Hechuan 三(二) 托育服务; Jiaxing 二(六)17): a
parent applies online for a linked child under 3 at one or more filed childcare centres; each centre
answers its own application, offering a place (applications_offer.py: an Enrolment through
services.enrol) or refusing with a reason the parent reads. One open application per child and
centre (a partial unique constraint); a child who holds a place applies for none, and a place
offered closes the child's other applications.

`application_submit` and `application_refuse` are re-exported by `childcare.services`, the reads by
`childcare.selectors`."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.childcare import standards
from carecircle.childcare.models import Application, ApplicationState, Enrolment
from carecircle.core import audit
from carecircle.core.access import access_by_id
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import (
    childcare_facilities,
    in_facility_scope,
    reaches_facility,
    require_facility,
    require_filed_childcare,
)
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons, on_behalf_of

if TYPE_CHECKING:
    from carecircle.facilities.models import Facility

INFANT_UNTIL_MONTHS = 36  # 托育 serves children from birth to 3 (托育机构设置标准(试行))
MAX_CENTRES = 5
START_WITHIN_DAYS = 366


class ApplicationAction(enum.StrEnum):
    OFFER = "offer"
    REFUSE = "refuse"


def application_actions(
    user: Actor, application: Application, managed: Collection[int] | None = None
) -> frozenset[ApplicationAction]:
    """The one rule of what `user` may do with an application: offer a place or refuse, while it is
    submitted, for those who manage the centre's classes (its operator's admin, or childcare staff
    of its region). The list offers these; the services refuse the rest. `managed`: the ids of the
    centres `user` manages, read once for a whole list (`managed_centres`)."""
    if application.state != ApplicationState.SUBMITTED:
        return frozenset()
    if managed is not None:
        reaches = application.facility_id in managed
    else:
        reaches = reaches_facility(user, "childcare.manage", application.facility_id)
    return frozenset(ApplicationAction) if reaches else frozenset()


def managed_centres(user: Actor) -> set[int]:
    """The ids of the filed childcare centres whose classes `user` manages (one query)."""
    return set(childcare_facilities(user=user, perm="childcare.manage").values_list("pk", flat=True))


def _require_linked(actor: Actor, child: Person) -> Person:
    if not signed_in(actor):
        raise Forbidden(_("请先登录"))
    linked = family_persons(actor).filter(pk=child.pk).first()
    if linked is None:
        raise Forbidden(_("您的账号没有关联这个孩子，不能为其申请托位"), field="child")
    return linked


def _check_start(child: Person, start_wanted: object) -> datetime.date:
    today = timezone.localdate()
    if not isinstance(start_wanted, datetime.date):
        raise InvalidInput(_("请填写希望入托日期"), field="start_wanted")
    if start_wanted < today:
        raise InvalidInput(_("希望入托日期不能早于今天"), field="start_wanted")
    if start_wanted > today + datetime.timedelta(days=START_WITHIN_DAYS):
        raise InvalidInput(_("希望入托日期应在一年之内"), field="start_wanted")
    months = standards.months_old(child.birth_date, start_wanted)
    if months < 0:
        raise InvalidInput(_("希望入托日期不能早于孩子出生"), field="start_wanted")
    if months >= INFANT_UNTIL_MONTHS:
        raise InvalidInput(
            _("%(n)s到希望入托时已满3周岁（%(m)d个月），托育服务面向3岁以下婴幼儿，请申请幼儿园")
            % {"n": child.name, "m": months},
            field="child",
        )
    return start_wanted


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    child: Person,
    facilities: Iterable[Facility],
    start_wanted: datetime.date,
    note: str = "",
    request: HttpRequest | None = None,
) -> list[Application]:
    """A parent applies for a 托位 for their linked child at one or more centres (one row each)."""
    child = _require_linked(actor, child)
    assert signed_in(actor)  # _require_linked refused anyone else
    start_wanted = _check_start(child, start_wanted)
    centres = list({f.pk: f for f in facilities}.values())
    if not centres:
        raise InvalidInput(_("请至少选择一家托育机构"), field="facilities")
    if len(centres) > MAX_CENTRES:
        raise InvalidInput(_("一次最多申请%(n)d家托育机构") % {"n": MAX_CENTRES}, field="facilities")
    for facility in centres:
        require_filed_childcare(facility)
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInput(_("申请说明不能超过300个字"), field="note")
    day = timezone.localdate()
    placed = (
        Enrolment.objects.filter(child=child, start_on__lte=max(day, start_wanted))
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=day))
        .select_related("facility")
        .first()
    )
    if placed is not None:
        raise Conflict(
            _("%(n)s已在%(f)s入托，不用再申请托位") % {"n": child.name, "f": placed.facility.name},
            field="child",
        )
    taken = set(
        Application.objects.filter(
            child=child, facility__in=centres, state=ApplicationState.SUBMITTED
        ).values_list("facility__name", flat=True)
    )
    if taken:
        raise Conflict(
            _("%(n)s已申请过%(f)s，正在等待答复，不用重复申请")
            % {"n": child.name, "f": "、".join(sorted(taken))},
            field="facilities",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            rows = [
                Application.objects.create(
                    child=child,
                    facility=facility,
                    region_code=facility.region_code,
                    child_region_code=child.region_code,
                    applied_by=actor,
                    start_wanted=start_wanted,
                    note=note,
                    created_at=now,
                )
                for facility in centres
            ]
    except IntegrityError:
        raise Conflict(
            _("%(n)s已申请过所选机构，不用重复申请") % {"n": child.name}, field="facilities"
        ) from None
    for row in rows:
        audit.record(
            actor=actor,
            action=AuditAction.CHILDCARE_APPLY,
            obj=row,
            request=request,
            child=child.pk,
            facility=row.facility_id,
            **on_behalf_of(actor, child),
        )
    return rows


def locked_for(actor: Actor, application: Application, action: ApplicationAction) -> Application:
    """The application's row, locked, once `actor` may take `action` on it (else 403/404 or 409)."""
    require_facility(actor, "childcare.manage", application.facility)
    row = (
        Application.objects.select_for_update()
        .select_related("facility", "child", "applied_by")
        .get(pk=application.pk)
    )
    if action not in application_actions(actor, row):
        raise Conflict(_("该申请已是“%(s)s”，不能再处理") % {"s": row.get_state_display()})
    return row


@transaction.atomic
def application_refuse(
    *, actor: Actor, application: Application, reason: str, request: HttpRequest | None = None
) -> Application:
    """The centre refuses an application; the reason is shown to the parent as written."""
    row = locked_for(actor, application, ApplicationAction.REFUSE)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写未录取的原因，家长会看到它"), field="reason")
    if len(reason) > 300:
        raise InvalidInput(_("未录取原因不能超过300个字"), field="reason")
    row.state = ApplicationState.REFUSED
    row.refused_reason = reason
    row.decided_by = actor if signed_in(actor) else None
    row.decided_at = timezone.now()
    row.save(update_fields=["state", "refused_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CHILDCARE_APPLICATION_REFUSE,
        obj=row,
        request=request,
        child=row.child_id,
        reason=reason,
    )
    return row


# ------------------------------------------------------------------ reads


def application_list(*, user: Actor) -> QuerySet[Application]:
    """Applications to the centres `user` reaches (an operator's admin: their own centres)."""
    rows = Application.objects.select_related("facility", "child", "enrolment__child_class")
    return in_facility_scope(rows, user, "childcare.view", "facility__")


def application_get(*, user: Actor, application_id: object, perm: str = "childcare.view") -> Application:
    return access_by_id(
        Application.objects.select_related("facility", "child"),
        application_id,
        user=user,
        perm=perm,
        check=lambda u, p, row: require_facility(u, p, row.facility),
    )


def applications_of_family(user: Actor) -> QuerySet[Application]:
    """The applications of the children the parent's account is linked to, newest first."""
    return Application.objects.filter(child__in=family_persons(user).values("pk")).select_related(
        "child", "facility", "enrolment__child_class"
    )


def applications_decided_between(
    *, since: datetime.datetime, until: datetime.datetime
) -> QuerySet[Application]:
    """Applications offered a place or refused in [since, until): what the portal tells the parent
    (its message sweep; whole-city system work, no user)."""
    return (
        Application.objects.filter(
            decided_at__gte=since,
            decided_at__lt=until,
            state__in=[ApplicationState.OFFERED, ApplicationState.REFUSED],
        )
        .select_related("child", "facility", "enrolment__child_class")
        .order_by("decided_at", "id")
    )
