"""Oversight's part of the synthetic city: the register of supervised units with credit grades and
last inspections, inspectors in every district (one with a declared conflict), a year of the first
district's quarterly 双随机 plans drawn, inspected and rectified on their dates (demo_history.py),
overdue notices escalated, this quarter's plan published and waiting to be drawn; then credit
(demo_credit.py) and early warnings (demo_warnings.py). The accounts printed for oversight: an
inspector with answers to decide, and a unit's admin with an open rectification notice (the
district official is the demo's "district")."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password

from carecircle.core.demo import DEMO_PASSWORD, City
from carecircle.core.errors import NotFound
from carecircle.core.models import RoleGrant, User
from carecircle.core.names import SURNAMES
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role
from carecircle.facilities.selectors import facility_get
from carecircle.oversight import demo_history as history
from carecircle.oversight import services
from carecircle.oversight.models import CreditEvent, Finding, FindingState, Unit, UnitKind
from carecircle.oversight.services_escalation import findings_escalate

ORDER = 85  # after facilities (40) and home care (50); before planning (90)
HISTORY_QUARTERS = 4  # a year of quarterly plans before this quarter's (demo_history.py)
PER_PLAN = 6  # inspections done per plan
GRADES: list[str] = ["A", "B", "C", "D"]
GRADE_WEIGHTS: list[float] = [30, 45, 18, 7]
INSPECTORS_PER_DISTRICT = 5  # two drawn per unit, less the last two and a declared conflict


def generate(city: City) -> None:
    rng = city.rng_for("oversight")
    counts = services.units_sync(actor=None)
    units = list(Unit.objects.all())
    oldest = history.quarter_start(city.today, back=HISTORY_QUARTERS)
    for unit in units:
        unit.credit_grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
        never = rng.random() < 0.15
        unit.last_inspected_on = None if never else oldest - datetime.timedelta(days=rng.randint(20, 400))
    own = _demo_admins_unit()
    if own is not None:  # the demo unit admin's unit: graded D before the draws, so it is drawn
        for unit in units:
            unit.credit_grade = "D" if unit.pk == own.pk else unit.credit_grade
    Unit.objects.bulk_update(units, ["credit_grade", "last_inspected_on"], batch_size=2000)
    inspectors = _inspectors(city, rng)
    if units and inspectors:
        services.conflict_declare(actor=inspectors[0], unit=units[0], reason="近亲属在该单位任职")
    official = User.objects.filter(username="district").first()
    if official is None or not city.districts:
        return
    admins = history.UnitAdmins(city, _operator_of)
    totals: dict[str, int] = {}
    for back in range(HISTORY_QUARTERS, 0, -1):  # a year of quarters, the oldest first; the last one
        done = history.quarter(  # leaves the demo unit admin's notice open
            city, official, back, rng, admins, PER_PLAN, first_unit=own if back == 1 else None
        )
        totals = {k: totals.get(k, 0) + v for k, v in done.items()}
    this_quarter = history.quarter_start(city.today)
    services.plan_publish(
        actor=official,
        name=history.quarter_name(this_quarter),
        region_code=city.districts[0].code,
        period_start=this_quarter,
        period_end=history.quarter_start(city.today, back=-1) - datetime.timedelta(days=1),
    )
    escalated = findings_escalate(day=city.today)
    # The services recorded credit events as they ran (today); the records now carry their own
    # days, so oversight's events are collected again from them by the credit step below.
    CreditEvent.objects.filter(source_module__in=["oversight.inspection", "oversight.finding"]).delete()
    city.say(
        f"  监管对象 {counts['added']} 个，检查人员 {len(inspectors)} 名，双随机计划 {HISTORY_QUARTERS + 1} 个"
        f"（{HISTORY_QUARTERS} 个已抽取并检查），现场检查 {totals.get('inspections', 0)} 家，"
        f"发现问题 {totals.get('findings', 0)} 项：已整改 {totals.get('closed', 0)}、待验收 "
        f"{totals.get('answered', 0)}、待整改 {totals.get('open', 0) + totals.get('returned', 0)}，"
        f"逾期上报区县 {escalated} 项"
    )
    from carecircle.oversight.demo_credit import generate as credit_demo  # noqa: PLC0415 — credit's own part

    credit_demo(city)
    from carecircle.oversight.demo_warnings import generate as warnings_demo  # noqa: PLC0415 — early warnings

    warnings_demo(city)
    _accounts(city, own, admins)


def _demo_admins_unit() -> Unit | None:
    """The unit of the demo's home-care provider admin ("provider"): the unit admin account shown
    with an open rectification notice is a second admin of it."""
    grant = RoleGrant.objects.filter(
        user__username="provider", organisation_kind=OrganisationKind.HOMECARE_PROVIDER
    ).first()
    if grant is None or grant.organisation_id is None:
        return None
    return Unit.objects.filter(kind=UnitKind.HOMECARE, source_id=grant.organisation_id).first()


def _operator_of(facility_id: int) -> int | None:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return None
    try:
        return facility_get(user=admin, facility_id=facility_id).operator_id
    except NotFound:
        return None


def _accounts(city: City, own: Unit | None, admins: history.UnitAdmins) -> None:
    """The accounts that show each side: an inspector with answers to decide (or tasks), and a unit
    admin with an open notice; the district official is the demo's "district" account."""
    waiting = (
        Finding.objects.filter(
            state=FindingState.ANSWERED, region_code__startswith=city.districts[0].code[:6]
        )
        .select_related("inspection__drawn")
        .order_by("pk")
        .first()
    )
    assignment = waiting.inspection.drawn.assignments.select_related("inspector").first() if waiting else None
    inspector = assignment.inspector if assignment else User.objects.filter(username="inspector1_1").first()
    if inspector is not None:
        city.accounts.append(
            ("监管人员（检查任务、整改验收）", inspector.username, DEMO_PASSWORD, city.districts[0].name)
        )
    if own is not None and history.open_findings_of(own):
        user = admins.for_unit(own)
        if user is not None:
            User.objects.filter(pk=user.pk).update(username="unit_admin", display_name=f"{own.name}负责人")
            city.accounts.append(
                ("被检查单位管理员（有待整改通知）", "unit_admin", DEMO_PASSWORD, city.districts[0].name)
            )


def _inspectors(city: City, rng) -> list[User]:  # noqa: ANN001 — the city's random stream
    surnames = [s for s, _w in SURNAMES]
    password = make_password(DEMO_PASSWORD)  # hashed once: the hash is slow by design
    made = []
    for d in range(len(city.districts)):
        for i in range(INSPECTORS_PER_DISTRICT):
            name = (
                rng.choice(surnames)
                + rng.choice("建国志强海燕晓明丽华文军红梅")
                + rng.choice("平静峰宇娟磊洁涛")
            )
            made.append(User(username=f"inspector{d + 1}_{i + 1}", display_name=name, password=password))
    User.objects.bulk_create(made)
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u in made])}
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=saved[f"inspector{d + 1}_{i + 1}"], role=Role.INSPECTOR, region=district)
            for d, district in enumerate(city.districts)
            for i in range(INSPECTORS_PER_DISTRICT)
        ]
    )
    return list(saved.values())
