"""The demo city's home adaptation cases at every stage and its assistive-device rentals (called from
careathome/demo.py: `demo_homes.generate(city)`), all through the services as a worker would."""

import datetime
import io
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from carecircle.benefits import services as benefits
from carecircle.careathome import adaptation_services as cases
from carecircle.careathome import homes_reference, homes_selectors
from carecircle.careathome import rentals_services as rentals
from carecircle.careathome.models.homes import AdaptationCase, DeviceType
from carecircle.core import regions
from carecircle.core.demo import City
from carecircle.registry.models import Person

# the stage each demo case is brought to, in order (a few of each)
STAGES = [
    "applied",
    "assessed",
    "planned",
    "approved",
    "works",
    "accepted",
    "paid",
    "paid",
    "paid",
    "refused",
]
PLANS = [
    {"floor_antislip": 8, "bath_handrail": 2, "bath_chair": 1},
    {"floor_level": 1, "bed_rail": 1, "supply_cane": 1, "door_sill": 1},
    {"bath_handrail": 3, "supply_tracker": 1, "door_lever": 2},
]


def _photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def generate(city: City) -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return
    with transaction.atomic():
        homes_reference.ensure()
        homes_reference.ensure_programme(region_code=city.city.code)
        _fund(admin)
        _adaptation(admin, city)
        _rentals(admin, city)


def _fund(admin: Any) -> None:
    from carecircle.benefits import selectors as benefit_reads  # noqa: PLC0415 — the other module may be absent

    fund = benefit_reads.fund_list(user=admin).filter(code=homes_reference.FUND_CODE).first()
    if fund is not None:
        benefits.fund_appropriate(
            actor=None,
            fund=fund,
            amount=Decimal("2000000"),
            memo="适老化改造补贴年度预算（演示）",
            key="demo:adaptation",
        )


def _adaptation(admin: Any, city: City) -> None:
    rng = city.rng_for("careathome.homes")
    contractors = [
        cases.contractor_register(
            actor=admin,
            name=name,
            credit_code=f"91{city.city.code[:6]}MA{n:07d}X"[:18],
            region_code=city.city.code,  # registered with the city: they work in every district
        )
        for n, name in enumerate(["安居适老工程有限公司", "康宁家居改造服务社", "福寿无障碍工程有限公司"])
    ]
    found = homes_selectors.eligible_households(
        region_prefix=regions.prefix_of(city.city.code), day=city.today
    )
    people = list(Person.objects.filter(pk__in=sorted(found)[: len(STAGES) * 3]))
    rng.shuffle(people)
    made = 0
    for n, person in enumerate(people):
        stage = STAGES[n % len(STAGES)]
        case = cases.case_apply(
            actor=admin, person=person, source=rng.choice(["application", "visit", "rule"])
        )
        if stage == "refused":
            cases.case_refuse(actor=admin, case=case, reason="申请人自愿放弃改造")
            continue
        made += 1
        for step in ("assessed", "planned", "approved", "works", "accepted", "paid"):
            if STAGES.index(stage) < STAGES.index(step):
                break
            _advance(admin, case, step, contractors, n)
    city.say(f"适老化改造个案 {made + sum(1 for s in STAGES if s == 'refused')} 件")


def _advance(admin: Any, case: AdaptationCase, step: str, contractors: list[Any], n: int) -> None:
    a = admin
    if step == "assessed":
        cases.case_assess(
            actor=a,
            case=case,
            note="卫生间无扶手，地面湿滑，夜间照明不足",
            photos=[_photo((190, 190, 180), "assess.jpg")],
        )
    elif step == "planned":
        plan = PLANS[n % len(PLANS)]
        cases.case_plan(actor=a, case=case, quantities=plan)  # every demo plan is below the lowest cap
    elif step == "approved":
        cases.case_approve(actor=a, case=case, contractor=contractors[n % len(contractors)])
    elif step == "works":
        cases.case_start_works(actor=a, case=case, photos=[_photo((150, 100, 70), "before.jpg")])
    elif step == "accepted":
        cases.case_accept(
            actor=a,
            case=case,
            photos=[_photo((90, 170, 110), "after.jpg")],
            signature=_photo((250, 250, 250), "sign.jpg"),
            signer=case.person.name,
        )
    elif step == "paid":
        cases.case_pay(actor=a, case=case)


def _rentals(admin: Any, city: City) -> None:
    rng = city.rng_for("careathome.rental")
    types = list(DeviceType.objects.all())
    today = city.today
    contracts = 0
    for c_index, community in enumerate(city.communities[:3]):
        point = rentals.point_create(
            actor=admin, name=f"{community.name}辅具租赁点", region_code=community.code
        )
        units = [
            rentals.unit_add(
                actor=admin, point=point, device_type=types[i % len(types)], serial=f"FJ{c_index:02d}{i:04d}"
            )
            for i in range(8)
        ]
        elders = list(
            Person.objects.filter(
                region_code=community.code, birth_date__lte=today.replace(year=today.year - 75)
            )[:6]
        )
        for unit, person in zip(units, elders, strict=False):
            start = today - datetime.timedelta(days=rng.randint(20, 95))
            contract = rentals.rental_deliver(
                actor=admin, person=person, unit=unit, delivered_on=start, months=rng.choice([1, 2, 3])
            )
            month = start.replace(day=1)
            while month <= today.replace(day=1):
                rentals.rental_bill(actor=admin, contract=contract, month=month.strftime("%Y-%m"))
                month = (month + datetime.timedelta(days=32)).replace(day=1)
            contracts += 1
            if rng.random() < 0.3:
                rentals.rental_return(
                    actor=admin, contract=contract, returned_on=today, damaged=rng.random() < 0.3
                )
    city.say(f"辅具租赁合同 {contracts} 份")
