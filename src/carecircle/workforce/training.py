"""Training of the register's workers (issue 21, item 3): courses, sessions, attendance, and each
worker's training hours in a year. Officials with workforce.manage keep courses and sessions of
their regions; an employer's admin (or such an official) records their own staff's attendance.

A worker counts as trained in a year when they attended and passed at least one session that year
(the training rates of Yizhou 三(三) and Qujing 三(五)2, workforce/indicators.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.types import Actor, signed_in
from carecircle.workforce.models import (
    Attendance,
    Caregiver,
    Course,
    TrainingSession,
    TrainingTopic,
    WorkerRole,
)
from carecircle.workforce.selectors import employer_q, require_employer_or_staff

if TYPE_CHECKING:
    from django.http import HttpRequest

MAX_COURSE_HOURS = Decimal(500)


def _hours(raw: object, field: str = "hours") -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("学时须为数字"), field=field) from None
    if not value.is_finite() or value <= 0 or value > MAX_COURSE_HOURS:
        raise InvalidInput(_("学时须大于0且不超过500"), field=field)
    if value != value.quantize(Decimal("0.1")):
        raise InvalidInput(_("学时最多保留一位小数"), field=field)
    return value


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    title: str,
    provider: str,
    hours: object,
    topic: str,
    roles: list[str],
    region_code: str,
    request: HttpRequest | None = None,
) -> Course:
    """A course offered in `region_code` (provider, hours, topic, the roles it is for)."""
    scope.require(actor, "workforce.manage", region_code)
    title, provider = title.strip(), provider.strip()
    if not title:
        raise InvalidInput(_("请填写课程名称"), field="title")
    if not provider:
        raise InvalidInput(_("请填写培训机构"), field="provider")
    if topic not in TrainingTopic.values:
        raise InvalidInput(_("培训主题无效"), field="topic")
    if not roles or any(r not in WorkerRole.values for r in roles):
        raise InvalidInput(_("请选择有效的适用岗位"), field="roles")
    value = _hours(hours)
    if Course.objects.filter(region_code=region_code, provider=provider, title=title).exists():
        raise Conflict(_("该培训机构已有同名课程"), field="title")
    course = Course.objects.create(
        title=title,
        provider=provider,
        hours=value,
        topic=topic,
        roles=sorted(set(roles)),
        region_code=region_code,
        created_by=actor if signed_in(actor) else None,
    )
    audit.record(actor=actor, action=AuditAction.TRAINING_COURSE_CREATE, obj=course, request=request)
    return course


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    course: Course,
    day: datetime.date,
    place: str = "",
    region_code: str = "",
    request: HttpRequest | None = None,
) -> TrainingSession:
    """A session of `course` on `day` in `region_code` (default: the course's region)."""
    region = region_code or course.region_code
    scope.require(actor, "workforce.manage", region)
    if TrainingSession.objects.filter(course=course, day=day, place=place.strip()).exists():
        raise Conflict(_("该课程同日同地点已有培训场次"), field="day")
    session = TrainingSession.objects.create(
        course=course,
        day=day,
        place=place.strip(),
        region_code=region,
        created_by=actor if signed_in(actor) else None,
    )
    audit.record(actor=actor, action=AuditAction.TRAINING_SESSION_CREATE, obj=session, request=request)
    return session


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    session: TrainingSession,
    worker: Caregiver,
    hours: object = None,
    passed: bool = True,
    request: HttpRequest | None = None,
) -> Attendance:
    """`worker` attended `session` (all the course's hours unless fewer are given). The worker's
    employer or an official over the worker's region records it; once per session and worker."""
    require_employer_or_staff(
        actor,
        employer_kind=worker.employer_kind,
        organisation_id=worker.organisation_id,
        perm="workforce.manage",
        region_code=worker.region_code,
    )
    course = session.course
    value = course.hours if hours in (None, "") else _hours(hours)
    if value > course.hours:
        raise InvalidInput(_("签到学时不能超过课程学时（%(h)s）") % {"h": course.hours}, field="hours")
    if worker.role not in course.roles:
        raise InvalidInput(
            _("该课程不适用于岗位“%(role)s”") % {"role": worker.get_role_display()}, field="worker"
        )
    if worker.employed_from > session.day or (worker.employed_to and worker.employed_to < session.day):
        raise InvalidInput(_("培训当日该人员不在职"), field="worker")
    try:
        with transaction.atomic():
            row = Attendance.objects.create(
                session=session,
                worker=worker,
                region_code=worker.region_code,
                day=session.day,
                hours=value,
                passed=passed,
                recorded_by=actor if signed_in(actor) else None,
            )
    except IntegrityError:
        raise Conflict(_("该人员已登记本场培训"), field="worker") from None
    audit.record(
        actor=actor,
        action=AuditAction.TRAINING_ATTEND,
        obj=row,
        region_code=worker.region_code,
        request=request,
    )
    return row


# ------------------------------------------------------------------ reads


def attendance_search(*, user: Actor) -> QuerySet[Attendance]:
    """Attendance records as `user` sees them: staff the workers in their regions, an employer's
    admin their own staff's."""
    staff = scope.in_scope(Attendance.objects.all(), user, "workforce.view")
    mine = employer_q(user, prefix="worker__")
    qs = Attendance.objects.filter(pk__in=staff.values("pk"))
    if mine is not None:
        qs = Attendance.objects.filter(pk__in=staff.values("pk")) | Attendance.objects.filter(mine)
    return qs.select_related("session__course", "worker").order_by("-day", "id")


def hours_in_year(worker_ids: list[int], year: int) -> dict[int, Decimal]:
    """{worker id: training hours attended in `year`} (one grouped query; absent: none)."""
    rows = (
        Attendance.objects.filter(worker_id__in=worker_ids, day__year=year)
        .values("worker_id")
        .annotate(total=Sum("hours"))
        .values_list("worker_id", "total")
    )
    return {wid: total for wid, total in rows}
