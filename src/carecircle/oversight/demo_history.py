"""A year of oversight in the demo city (issue 20 item 9), called from oversight/demo.py: the
quarterly 双随机 plans of the first district for the four quarters before this one, each published,
drawn and partly inspected on its dates (check-in, every item recorded, a failed one with its photo,
both inspectors confirmed), and every finding's rectification as it went — put right on time, late,
sent back once and then accepted, or still open (and, past its deadline, escalated to the district).
Everything goes through the services; the demo then moves the records to the days they happened
on (the services stamp the moment they run), so credit collected afterwards weighs them by their
real age. Each unit that must answer gets its own admin account (not printed)."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from carecircle.core.demo import DEMO_PASSWORD, City
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role
from carecircle.oversight import services
from carecircle.oversight.models import (
    Answer,
    Confirmation,
    DrawPlan,
    Finding,
    FindingState,
    Inspection,
    ItemResult,
    Severity,
    Unit,
    UnitKind,
)
from carecircle.oversight.services_inspections import applicable_items

# What became of a finding (weights): put right on time, late, sent back once then accepted,
# answered and waiting for the inspector, still open.
OUTCOMES: dict[str, int] = {"on_time": 45, "late": 20, "returned": 10, "waiting": 10, "open": 15}
FAIL_RATE = 0.12
FIX_TEXTS = (
    "已按要求整改完毕，附整改后照片",
    "问题已整改，相关制度已补充完善",
    "已更换并建立台账，附现场照片",
)


def quarter_start(day: datetime.date, back: int = 0) -> datetime.date:
    month0 = day.year * 12 + (day.month - 1) // 3 * 3 - 3 * back
    return datetime.date(month0 // 12, month0 % 12 + 1, 1)


def quarter_name(start: datetime.date) -> str:
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度养老托育机构双随机抽查"


def photo(colour: tuple[int, int, int] = (180, 60, 40)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png")


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def inspect(inspection: Inspection, rng: random.Random, must_fail: bool = False) -> None:
    """Check in, record every applicable item (now and then a failure with its photo; with
    `must_fail` the first item that is not a major hazard fails), submit, and confirm."""
    first, second = [a.inspector for a in inspection.drawn.assignments.select_related("inspector")]
    lat, lon = inspection.unit.latitude or 30.0, inspection.unit.longitude or 120.0
    services.inspection_check_in(actor=first, inspection=inspection, latitude=lat, longitude=lon)
    forced = must_fail
    for item in applicable_items(inspection.unit):
        # the demo unit admin's unit never fails a major hazard: it would be suspended for the whole demo
        failed = (rng.random() < FAIL_RATE and not (must_fail and item.major_hazard)) or (
            forced and not item.major_hazard
        )
        forced = forced and not failed
        services.inspection_record(
            actor=first,
            inspection=inspection,
            item_id=item.pk,
            outcome="fail" if failed else "pass",
            note="现场发现：" + item.title[:20] if failed else "",
            photo=photo() if failed else None,
        )
    services.inspection_submit(actor=first, inspection=inspection)
    services.inspection_confirm(actor=second, inspection=inspection)


def backdate(inspection: Inspection, day: datetime.date) -> None:
    """Move a confirmed inspection, its results and its findings to `day` (deadlines keep their
    length), and the unit's last inspection with it."""
    when = at(day, 9)
    Inspection.objects.filter(pk=inspection.pk).update(
        checked_in_at=when,
        submitted_at=when + datetime.timedelta(hours=2),
        confirmed_at=when + datetime.timedelta(hours=3),
    )
    ItemResult.objects.filter(inspection=inspection).update(recorded_at=when + datetime.timedelta(hours=1))
    Confirmation.objects.filter(inspection=inspection).update(at=when + datetime.timedelta(hours=3))
    for f in Finding.objects.filter(inspection=inspection):
        length = f.deadline - timezone.localdate(f.issued_at)
        Finding.objects.filter(pk=f.pk).update(
            issued_at=when + datetime.timedelta(hours=3), deadline=day + length
        )
    Unit.objects.filter(pk=inspection.unit_id).update(last_inspected_on=day)


class UnitAdmins:
    """One admin account per home-care provider or facility operator, made when first needed."""

    def __init__(self, city: City, facility_operator: Callable[[int], int | None]) -> None:
        self.city, self.operator_of = city, facility_operator
        self.password = make_password(DEMO_PASSWORD)  # hashed once: the hash is slow by design
        self.made: dict[tuple[str, int], User] = {}

    def for_unit(self, unit: Unit) -> User | None:
        if unit.kind == UnitKind.HOMECARE:
            key: tuple[str, int] = (OrganisationKind.HOMECARE_PROVIDER, unit.source_id)
        else:
            operator = self.operator_of(unit.source_id)
            if operator is None:
                return None
            key = (OrganisationKind.FACILITY_OPERATOR, operator)
        if key not in self.made:
            user, _new = User.objects.get_or_create(
                username=f"unitadmin_{key[0][:8]}_{key[1]}",
                defaults={"display_name": f"{unit.name}管理员", "password": self.password},
            )
            RoleGrant.objects.get_or_create(
                user=user,
                role=Role.PROVIDER_ADMIN,
                region_id=self.city.districts[0].code,
                organisation_kind=key[0],
                organisation_id=key[1],
            )
            self.made[key] = user
        return self.made[key]


def rectify(finding: Finding, outcome: str, admin: User, rng: random.Random, now: datetime.datetime) -> str:
    """Play one finding's rectification as `outcome` says, each step on its own day (never after
    `now`: a step whose day has not come yet is left undone). Answers what was done."""
    issued = finding.issued_at
    inspector = finding.inspection.drawn.assignments.select_related("inspector").first()
    if outcome == "open" or inspector is None:
        return "open"
    days = max((finding.deadline - timezone.localdate(issued)).days, 2)
    steps: list[tuple[str, datetime.datetime]]
    if outcome == "on_time":
        answered = issued + datetime.timedelta(days=rng.randint(1, days - 1))
        steps = [("answer", answered), ("accept", answered + datetime.timedelta(hours=20))]
    elif outcome == "late":
        answered = at(finding.deadline, 10) + datetime.timedelta(days=rng.randint(2, 20))
        steps = [("answer", answered), ("accept", answered + datetime.timedelta(days=2))]
    elif outcome == "waiting":
        steps = [("answer", issued + datetime.timedelta(days=rng.randint(1, days - 1)))]
    else:  # returned once, then accepted
        first = issued + datetime.timedelta(days=1)
        steps = [
            ("answer", first),
            ("reject", first + datetime.timedelta(days=1)),
            ("answer", first + datetime.timedelta(days=3)),
            ("accept", first + datetime.timedelta(days=4)),
        ]
    done = "open"
    for step, when in steps:
        if when >= now:
            break
        if step == "answer":
            answer = services.finding_answer(
                actor=admin, finding=finding, text=rng.choice(FIX_TEXTS), evidence_photo=photo((40, 150, 70))
            )
            Answer.objects.filter(pk=answer.pk).update(at=when)
            done = "answered"
        else:
            accepted = step == "accept"
            services.finding_decide(
                actor=inspector.inspector,
                finding=finding,
                accepted=accepted,
                note="" if accepted else "整改照片未能反映整改后的情况，请补充",
            )
            last = Answer.objects.filter(finding=finding).order_by("-pk").first()
            if last is not None:
                Answer.objects.filter(pk=last.pk).update(decided_at=when)
            if accepted:
                Finding.objects.filter(pk=finding.pk).update(closed_at=when)
            done = "closed" if accepted else "returned"
    return done


def quarter(
    city: City,
    official: User,
    back: int,
    rng: random.Random,
    admins: UnitAdmins,
    per_plan: int,
    first_unit: Unit | None = None,
) -> dict[str, int]:
    """Publish, draw and inspect the plan of the quarter `back` quarters ago; answers the counts of
    inspections, findings and what became of them. `first_unit`, when drawn, is inspected first and
    fails an item, and its findings stay open (the demo unit admin's notice)."""
    district = city.districts[0].code
    start, end = (
        quarter_start(city.today, back),
        quarter_start(city.today, back - 1) - datetime.timedelta(days=1),
    )
    plan = services.plan_publish(
        actor=official, name=quarter_name(start), region_code=district, period_start=start, period_end=end
    )
    services.plan_draw(actor=official, plan=plan)
    DrawPlan.objects.filter(pk=plan.pk).update(published_at=at(start, 9), drawn_at=at(start, 10))
    now = timezone.now()
    counts = dict.fromkeys(["inspections", "findings", "open", "answered", "returned", "closed"], 0)
    drawn = list(Inspection.objects.filter(drawn__plan=plan).select_related("unit", "drawn").order_by("pk"))
    drawn.sort(key=lambda i: i.unit_id != (first_unit.pk if first_unit else None))
    last_day = min(end, city.today - datetime.timedelta(days=1))
    for n, inspection in enumerate(drawn[:per_plan]):
        forced = first_unit is not None and inspection.unit_id == first_unit.pk
        inspect(inspection, rng, must_fail=forced)
        day = start + datetime.timedelta(days=min(7 + n * 9 + rng.randint(0, 5), (last_day - start).days))
        backdate(inspection, day)
        counts["inspections"] += 1
        for finding in Finding.objects.filter(inspection=inspection).select_related(
            "unit", "inspection__drawn"
        ):
            counts["findings"] += 1
            admin = admins.for_unit(finding.unit)
            outcome = (
                "open" if forced or admin is None else rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
            )
            if finding.severity == Severity.HAZARD and outcome not in ("on_time", "late"):
                outcome = "late"  # a major hazard not closed would suspend the unit for the whole demo
            state = rectify(finding, outcome, admin, rng, now) if admin is not None else "open"
            counts[state] += 1
    return counts


def open_findings_of(unit: Unit) -> int:
    return Finding.objects.filter(unit=unit).exclude(state=FindingState.CLOSED).count()
