"""Oversight's part of the synthetic city: the register of supervised units with credit grades and
last inspections, inspectors in every district (one with a declared conflict), last quarter's
双随机 plan drawn and this quarter's published and waiting to be drawn."""

from __future__ import annotations

import datetime
import io

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from carecircle.core.demo import DEMO_PASSWORD, City
from carecircle.core.models import RoleGrant, User
from carecircle.core.names import SURNAMES
from carecircle.core.roles import Role
from carecircle.oversight import services
from carecircle.oversight.models import DrawPlan, Inspection, Unit
from carecircle.oversight.services_inspections import applicable_items

ORDER = 85  # after facilities (40) and home care (50); before planning (90)
GRADES: list[str] = ["A", "B", "C", "D"]
GRADE_WEIGHTS: list[float] = [30, 45, 18, 7]
INSPECTORS_PER_DISTRICT = 4


def _quarter_start(day: datetime.date, back: int = 0) -> datetime.date:
    month0 = day.year * 12 + (day.month - 1) // 3 * 3 - 3 * back
    return datetime.date(month0 // 12, month0 % 12 + 1, 1)


def generate(city: City) -> None:
    rng = city.rng_for("oversight")
    counts = services.units_sync(actor=None)
    units = list(Unit.objects.all())
    for unit in units:
        unit.credit_grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
        never = rng.random() < 0.15
        unit.last_inspected_on = None if never else city.today - datetime.timedelta(days=rng.randint(20, 450))
    Unit.objects.bulk_update(units, ["credit_grade", "last_inspected_on"], batch_size=2000)
    inspectors = _inspectors(city, rng)
    if units and inspectors:
        services.conflict_declare(actor=inspectors[0], unit=units[0], reason="近亲属在该单位任职")
    official = User.objects.filter(username="district").first()
    if official is None or not city.districts:
        return
    district = city.districts[0].code
    this_quarter = _quarter_start(city.today)
    last_quarter = _quarter_start(city.today, back=1)
    last = services.plan_publish(
        actor=official,
        name=f"{last_quarter.year}年第{(last_quarter.month - 1) // 3 + 1}季度养老托育机构双随机抽查",
        region_code=district,
        period_start=last_quarter,
        period_end=this_quarter - datetime.timedelta(days=1),
    )
    services.plan_draw(actor=official, plan=last)
    inspected = _inspections(last, rng)
    published = timezone.make_aware(datetime.datetime.combine(last_quarter, datetime.time(9)))
    DrawPlan.objects.filter(pk=last.pk).update(published_at=published, drawn_at=published)
    services.plan_publish(
        actor=official,
        name=f"{this_quarter.year}年第{(this_quarter.month - 1) // 3 + 1}季度养老托育机构双随机抽查",
        region_code=district,
        period_start=this_quarter,
        period_end=_quarter_start(city.today, back=-1) - datetime.timedelta(days=1),
    )
    city.say(
        f"  监管对象 {counts['added']} 个，检查人员 {len(inspectors)} 名，双随机计划 2 个（1 个已抽取），"
        f"已完成现场检查 {inspected} 家"
    )
    from carecircle.oversight.demo_credit import generate as credit_demo  # noqa: PLC0415 — credit's own part

    credit_demo(city)
    from carecircle.oversight.demo_warnings import generate as warnings_demo  # noqa: PLC0415 — early warnings

    warnings_demo(city)


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


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 60, 40)).save(out, "PNG")
    return SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png")


def _inspections(plan: DrawPlan, rng) -> int:  # noqa: ANN001 — the city's random stream
    """Last quarter's first drawn units inspected: checked in, every item recorded (now and then a
    failed one with its photo), both inspectors confirmed; their findings wait for the units'
    answers."""
    done = 0
    for inspection in Inspection.objects.filter(drawn__plan=plan).select_related("unit", "drawn")[:8]:
        first, second = [a.inspector for a in inspection.drawn.assignments.select_related("inspector")]
        lat, lon = inspection.unit.latitude or 30.0, inspection.unit.longitude or 120.0
        services.inspection_check_in(actor=first, inspection=inspection, latitude=lat, longitude=lon)
        for item in applicable_items(inspection.unit):
            failed = rng.random() < 0.12
            services.inspection_record(
                actor=first,
                inspection=inspection,
                item_id=item.pk,
                outcome="fail" if failed else "pass",
                note="现场发现：" + item.title[:20] if failed else "",
                photo=_photo() if failed else None,
            )
        services.inspection_submit(actor=first, inspection=inspection)
        services.inspection_confirm(actor=second, inspection=inspection)
        done += 1
    return done
