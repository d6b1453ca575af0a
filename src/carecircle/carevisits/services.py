"""Writes of the care-visit module: rules, plan generation, assignment, visit records."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import services as alarms
from carecircle.carevisits import plans
from carecircle.carevisits.models import (
    CareVisit,
    Condition,
    Frequency,
    Need,
    Place,
    PlanStatus,
    Seen,
    VisitGroup,
    VisitPlan,
    VisitRule,
)
from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.models import Region, User
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person

if TYPE_CHECKING:
    from django.http import HttpRequest


def alarms_available() -> bool:
    """Whether the alarm module (incidents, the operator console) is part of this platform."""
    return "alarms" in settings.CARECIRCLE_MODULES


def _display(actor: Actor) -> str:
    return (actor.display_name or actor.username or "system") if signed_in(actor) else "system"


def _user(actor: Actor) -> User | None:
    return actor if signed_in(actor) else None


def _region(code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=str(code or "").strip()).first()
    if region is None:
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": code}, field=field)
    return region


@transaction.atomic
def rule_set(
    *,
    actor: Actor,
    region_code: str,
    group: str,
    frequency: str,
    active: bool = True,
    note: str = "",
    request: HttpRequest | None = None,
) -> VisitRule:
    """Create or change the rule for `group` in `region_code`."""
    region = _region(region_code)
    scope.require(actor, "carevisits.manage", region.code)
    if group not in VisitGroup.values:
        raise InvalidInput(_("未知的对象类别：%(g)s") % {"g": group}, field="group")
    if frequency not in Frequency.values:
        raise InvalidInput(_("未知的探访频次：%(f)s") % {"f": frequency}, field="frequency")
    rule, created = VisitRule.objects.select_for_update().get_or_create(
        region_code=region.code,
        group=group,
        defaults={"frequency": frequency, "active": active, "note": note[:200], "updated_by": _user(actor)},
    )
    if not created:
        rule.frequency, rule.active, rule.note, rule.updated_by = frequency, active, note[:200], _user(actor)
        rule.save()
    audit.record(
        actor=actor,
        action=AuditAction.CAREVISITS_RULE_SET,
        obj=rule,
        request=request,
        region_code=region.code,
        group=group,
        frequency=frequency,
        active=active,
    )
    return rule


def _check_month(year: int, month: int) -> None:
    if not (isinstance(year, int) and 2000 <= year <= 2100):
        raise InvalidInput(_("年份不正确：%(y)s") % {"y": year}, field="year")
    if not (isinstance(month, int) and 1 <= month <= 12):
        raise InvalidInput(_("月份应为1–12：%(m)s") % {"m": month}, field="month")


def plans_generate(
    *, actor: Actor, region_code: str, year: int, month: int, request: HttpRequest | None = None
) -> plans.Generated:
    """Generate the month's plans under `region_code`; running it again creates nothing twice."""
    region = _region(region_code)
    scope.require(actor, "carevisits.manage", region.code)
    _check_month(year, month)
    result = plans.generate(regions.prefix_of(region.code), year, month)
    audit.record(
        actor=actor,
        action=AuditAction.CAREVISITS_PLANS_GENERATE,
        object_type="carevisits.visitplan",
        object_id=f"{region.code}:{year}-{month:02d}",
        region_code=region.code,
        request=request,
        people=result.people,
        created=result.created,
    )
    return result


def assignee_by_username(username: str) -> User | None:
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput(_("没有这个账号：%(u)s") % {"u": username}, field="assignee")
    return user


@transaction.atomic
def plan_assign(
    *, actor: Actor, plan: VisitPlan, assignee: User | None, request: HttpRequest | None = None
) -> VisitPlan:
    scope.require(actor, "carevisits.manage", plan.region_code)
    if assignee is not None and not scope.has_perm(assignee, "carevisits.visit", plan.region_code):
        raise InvalidInput(_("%(u)s 无权探访该社区的对象") % {"u": _display(assignee)}, field="assignee")
    plan.assignee = assignee
    plan.save(update_fields=["assignee"])
    audit.record(
        actor=actor,
        action=AuditAction.CAREVISITS_PLAN_ASSIGN,
        obj=plan,
        request=request,
        assignee=getattr(assignee, "username", None),
    )
    return plan


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    person: Person | None = None,
    plan: VisitPlan | None = None,
    visited_at: datetime.datetime,
    place: str,
    seen: str,
    condition: str = "",
    needs: list[str] | None = None,
    notes: str = "",
    follow_up: bool = False,
    raise_alarm: bool = False,
    idempotency_key: str = "",
    request: HttpRequest | None = None,
) -> CareVisit:
    """Record a visit. With a plan, or for a person with an open plan covering the visit's date, a
    visit that saw the person (or their carer) completes that plan. Re-sending the same
    idempotency key returns the first record."""
    if plan is not None:
        plan = VisitPlan.objects.select_for_update().select_related("person").filter(pk=plan.pk).first()
        if plan is None:
            raise NotFound()
        person = plan.person
    if person is None:
        raise InvalidInput(_("请指定探访计划或探访对象"), field="plan")
    scope.require(actor, "carevisits.visit", person.region_code)
    key = (idempotency_key or "").strip() or uuid.uuid4().hex
    if len(key) > 80:
        raise InvalidInput(_("幂等键过长"), field="idempotency_key")
    existing = CareVisit.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise Conflict(_("该幂等键已用于另一条探访记录"), field="idempotency_key")
        return existing
    if visited_at is None or timezone.is_naive(visited_at):
        raise InvalidInput(_("请填写探访时间"), field="visited_at")
    if visited_at > timezone.now() + datetime.timedelta(minutes=5):
        raise InvalidInput(_("探访时间不能晚于现在"), field="visited_at")
    if place not in Place.values:
        raise InvalidInput(_("请选择探访方式"), field="place")
    if seen not in Seen.values:
        raise InvalidInput(_("请选择是否见到本人"), field="seen")
    if seen != Seen.NOBODY and condition not in Condition.values:
        raise InvalidInput(_("请选择探访对象的状况"), field="condition")
    needs = list(dict.fromkeys(needs or []))
    for n in needs:
        if n not in Need.values:
            raise InvalidInput(_("未知的需求类别：%(n)s") % {"n": n}, field="needs")
    if raise_alarm:
        if seen == Seen.NOBODY or condition != Condition.CRITICAL:
            raise InvalidInput(_("仅在见到对象且状况危急时可发起紧急事件"), field="raise_alarm")
        if not alarms_available():
            raise InvalidInput(_("本平台未启用报警处置模块，请直接拨打急救电话"), field="raise_alarm")
    day = timezone.localdate(visited_at)
    if plan is None:
        plan = (
            VisitPlan.objects.select_for_update()
            .filter(person=person, status=PlanStatus.PLANNED, period_start__lte=day, period_end__gte=day)
            .first()
        )
    elif plan.status == PlanStatus.CANCELLED:
        raise Conflict(_("该探访计划已取消"), field="plan")
    follow_up = bool(follow_up or condition in (Condition.POOR, Condition.CRITICAL) or needs)
    try:
        with transaction.atomic():
            visit = CareVisit.objects.create(
                plan=plan,
                person=person,
                region_code=person.region_code,
                visitor=_user(actor),
                visitor_name=_display(actor),
                visited_at=visited_at,
                place=place,
                seen=seen,
                condition=condition if seen != Seen.NOBODY else "",
                needs=needs,
                notes=(notes or "")[:1000],
                follow_up=follow_up,
                idempotency_key=key,
            )
    except IntegrityError:  # the same key won a race
        return CareVisit.objects.get(idempotency_key=key)
    if raise_alarm:
        incident = alarms.incident_create(
            person=person,
            source="phone",
            kind="sos",
            actor=actor,
            title=_("探访发现危急情况：%(n)s") % {"n": person.name},
        )
        visit.alarm_incident_id = incident.pk
        visit.save(update_fields=["alarm_incident_id"])
    if plan is not None and seen != Seen.NOBODY and plan.status == PlanStatus.PLANNED:
        plan.status, plan.done_at = PlanStatus.DONE, visited_at
        plan.save(update_fields=["status", "done_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CAREVISITS_VISIT,
        obj=visit,
        request=request,
        person_id=person.pk,
        plan_id=plan.pk if plan else None,
        seen=seen,
        condition=visit.condition,
        follow_up=follow_up,
        alarm_incident_id=visit.alarm_incident_id,
    )
    return visit


@transaction.atomic
def follow_up_close(*, actor: Actor, visit: CareVisit, request: HttpRequest | None = None) -> CareVisit:
    scope.require(actor, "carevisits.visit", visit.region_code)
    if not visit.follow_up or visit.follow_up_done:
        raise Conflict(_("该探访记录无待跟进事项"), field="visit")
    visit.follow_up_done = True
    visit.save(update_fields=["follow_up_done"])
    audit.record(actor=actor, action=AuditAction.CAREVISITS_FOLLOW_UP_CLOSE, obj=visit, request=request)
    return visit


def vulnerable_export_audit(
    *, actor: Actor, rows: int, filters: Mapping[str, str], request: HttpRequest | None = None
) -> None:
    """Audit an export of the vulnerable-person list; `filters`: its population, group and region_code."""
    scope.require_perm(actor, "carevisits.export")
    audit.record(
        actor=actor,
        action=AuditAction.CAREVISITS_VULNERABLE_EXPORT,
        object_type="registry.person",
        request=request,
        purpose=_("导出重点关爱对象名单（脱敏）"),
        rows=rows,
        population=filters["population"],
        group=filters["group"],
        region_code=filters["region_code"],
    )


@transaction.atomic
def visit_request(
    *,
    actor: Actor,
    person: Person,
    reason: str,
    within_days: int = 1,
    request: HttpRequest | None = None,
) -> VisitPlan:
    """Ask the community to visit `person` within `within_days` days (another module's finding: an
    unanswered wellbeing call, alarms/outreach). An open plan covering today is brought forward and
    given the reason; otherwise a plan from today is made, for a community worker of the person's
    community (the first by id). Anyone who may see the person may ask; nothing is done twice for a
    plan already due by then."""
    if actor is not None:
        scope.require(actor, "registry.view", person.region_code)
    if not 0 <= within_days <= 31:
        raise InvalidInput(_("探访时限应为0–31天"), field="within_days")
    today = timezone.localdate()
    due = today + datetime.timedelta(days=within_days)
    reason = (reason or "").strip()[:100] or _("社区上门探访")
    plan = (
        VisitPlan.objects.select_for_update()
        .filter(person=person, status=PlanStatus.PLANNED, period_start__lte=today, period_end__gte=today)
        .order_by("period_end", "id")
        .first()
    )
    if plan is not None:
        if plan.period_end > due:
            plan.period_end = due
        if reason not in plan.reasons:
            plan.reasons = f"{reason}；{plan.reasons}"[:200]
        plan.save(update_fields=["period_end", "reasons"])
    else:
        pool = plans.workers_by_community(person.region_code).get(person.region_code, [])
        start = today
        while VisitPlan.objects.filter(person=person, period_start=start).exists():
            start += datetime.timedelta(days=1)  # a plan done or cancelled today: the next free day
        plan = VisitPlan.objects.create(
            person=person,
            region_code=person.region_code,
            period_start=start,
            period_end=max(due, start),
            frequency=Frequency.WEEKLY,  # a one-off, due within days: the shortest period there is
            reasons=reason[:200],
            assignee_id=pool[0] if pool else None,
        )
    audit.record(
        actor=actor,
        action=AuditAction.CAREVISITS_VISIT_REQUEST,
        obj=plan,
        request=request,
        person_id=person.pk,
        reason=reason,
        due=plan.period_end.isoformat(),
    )
    return plan
