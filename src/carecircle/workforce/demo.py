"""The workforce of the synthetic city. Caregivers for the demo steps of the modules that employ
them (homecare's providers: `teams`, with certificates — 养老护理员 levels weighted to 初级/中级,
health certificates, training — and `caregiver_account` for one who must act); and its own step
(`generate`): the register's staff of institutions and childcare centres, their certificates (some
expiring soon), three days of roster, and today's expiry warnings."""

import datetime
import math

from django.db import transaction
from stdnum.cn import ric

from carecircle.childcare.selectors import classes_for
from carecircle.core import regions
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.core.vault import blind_index, mask_id_number, mask_phone
from carecircle.facilities.selectors import facility_search
from carecircle.workforce import demo_training, requirements
from carecircle.workforce.models import Caregiver, Certificate, Shift
from carecircle.workforce.notices import certificate_warnings_send

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀丽芳敏静丽娟霞萍红梅兰英华玉建国明军伟强"


def teams(city, rng, providers) -> list[Caregiver]:
    """A team for each provider (at least 14 caregivers), living in its district; the demo account
    "caregiver", when there is one, is the first provider's first caregiver."""
    per_provider = max(14, city.elders // (150 * len(providers)))
    today = city.today
    rows, certs = [], []
    communities_by_district: dict[str, list] = {}
    for c in city.communities:
        communities_by_district.setdefault(c.code[:6], []).append(c)
    for p in providers:
        for _k in range(per_provider):
            home = rng.choice(communities_by_district[p.region_code[:6]])
            rows.append(
                Caregiver(
                    organisation_id=p.pk,
                    region_code=home.code,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    latitude=home.latitude + rng.gauss(0, 0.004),
                    longitude=home.longitude + rng.gauss(0, 0.004),
                    employed_from=today - datetime.timedelta(days=rng.randrange(60, 2500)),
                )
            )
    with transaction.atomic():
        Caregiver.objects.bulk_create(rows)
        made = list(Caregiver.objects.filter(organisation_id__in=[p.pk for p in providers]).order_by("pk"))
        user = User.objects.filter(username="caregiver").first()
        if user is not None:
            made[0].user = user
            made[0].save(update_fields=["user"])
        for k, c in enumerate(made):
            if k == 0 or rng.random() < 0.85:  # 养老护理员 certificate, levels weighted to 初级/中级
                level = 2 if k == 0 else rng.choices([1, 2, 3, 4, 5], [40, 32, 18, 7, 3])[0]
                start = today - datetime.timedelta(days=rng.randrange(30, 1500))
                end = start + datetime.timedelta(days=365 * 5) if rng.random() < 0.5 else None
                certs.append(
                    Certificate(
                        caregiver=c,
                        region_code=c.region_code,
                        kind="elder_care",
                        level=level,
                        number=f"YL{c.pk:08d}",
                        issuer="示范市人力资源和社会保障局",
                        valid_from=start,
                        valid_to=end,
                    )
                )
            if k == 0 or rng.random() < 0.92:
                start = today - datetime.timedelta(days=rng.randrange(10, 360))
                certs.append(
                    Certificate(
                        caregiver=c,
                        region_code=c.region_code,
                        kind="health",
                        number=f"JK{c.pk:08d}",
                        issuer="示范市疾病预防控制中心",
                        valid_from=start,
                        valid_to=start + datetime.timedelta(days=365),
                    )
                )
            if rng.random() < 0.6:
                certs.append(
                    Certificate(
                        caregiver=c,
                        region_code=c.region_code,
                        kind="training",
                        issuer="示范市民政局",
                        valid_from=today - datetime.timedelta(days=200),
                    )
                )
        Certificate.objects.bulk_create(certs)
    return made


def caregiver_account(caregiver: Caregiver) -> User:
    """Demo caregivers act through an account; most have none, so one is made per caregiver."""
    user = User.objects.create(username=f"cg{caregiver.pk}", display_name=caregiver.name, is_active=False)
    RoleGrant.objects.create(
        user=user,
        role="caregiver",
        region_id=regions.district_of(caregiver.region_code),
        organisation_kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=caregiver.organisation_id,
    )
    caregiver.user = user
    caregiver.save(update_fields=["user"])
    return user


# ------------------------------------------------------------------ the register (issue 21)

ORDER = 52  # after facilities (40), childcare's classes (45) and home care's caregivers (50)
UNITS_PER_KIND = 24  # institutions and childcare centres staffed at scale 1 (at least 6 of each)


def _id_number(rng, birth: datetime.date) -> str:
    first17 = f"330106{birth:%Y%m%d}{rng.randrange(100, 999)}"
    return first17 + ric.calc_check_digit(first17 + "0")  # stdnum expects a placeholder check digit


def _health_end(rng, today: datetime.date, k: int) -> datetime.date:
    """Most 健康证 run for months; some end within 7, 30 and 90 days (the warnings), a few ended."""
    soon = (5, 25, 80, -3)
    return today + datetime.timedelta(days=soon[k % 4] if k % 5 == 0 else rng.randrange(100, 360))


SKILL: dict[str, tuple[str, tuple[int, ...]]] = {  # role: (certificate kind, levels drawn from)
    "carer": ("elder_care", (1,) * 40 + (2,) * 32 + (3,) * 18 + (4,) * 7 + (5,) * 3),
    "nurse": ("nurse", ()),
    "social_worker": ("social_work", ()),
    "manager": ("training", ()),
    "childcare_carer": ("childcare", (1, 1, 2, 3)),
    "infant_carer": ("infant_care", (1, 2, 3)),
    "child_health": ("child_health", ()),
    "director": ("training", ()),
}


def _staff_plan(unit, classes) -> list[tuple[str, int | None]]:
    """(role, class id) of each worker a unit employs."""
    if classes:
        plan = [("childcare_carer", c.pk) for c in classes for _k in range(max(1, c.caregivers))]
        return plan + [("infant_carer", None), ("child_health", None), ("director", None)]
    beds = unit.beds_general + unit.beds_nursing + unit.beds_cognitive
    social = max(1, math.ceil(beds / 60) - (1 if unit.pk % 3 == 0 else 0))  # every third unit short
    counts = (
        ("carer", max(2, beds // 6)),
        ("nurse", max(1, beds // 40)),
        ("social_worker", social),
        ("manager", 1),
    )
    return [(role, None) for role, n in counts for _k in range(n)]


def generate(city) -> None:
    """Workers of every kind at the city's institutions and childcare centres, with certificates
    (some 健康证 ending within 7, 30 and 90 days, a few already ended), the roster of the coming
    three days (a childcare class's second caregiver off at lunch: a ratio breach), and the expiry
    warnings of today sent."""
    rng = city.rng_for("workforce-register")
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    today = city.today
    n = max(6, round(UNITS_PER_KIND * city.scale))
    units = list(facility_search(user=admin).filter(status="filed"))
    childcare = [u for u in units if u.kind in requirements.CHILDCARE_KINDS][:n]
    elder = [
        u for u in units if u.kind not in requirements.CHILDCARE_KINDS and u.beds_general + u.beds_nursing
    ][:n]
    rows: list[tuple[Caregiver, str, int | None, int]] = []
    for unit in elder + childcare:
        classes = list(classes_for(user=admin, facility=unit)) if unit in childcare else []
        kind = (
            OrganisationKind.CHILDCARE_OPERATOR
            if classes or unit in childcare
            else OrganisationKind.FACILITY_OPERATOR
        )
        for role, class_id in _staff_plan(unit, classes):
            number = _id_number(rng, today - datetime.timedelta(days=rng.randrange(22 * 365, 55 * 365)))
            phone = f"139{rng.randrange(10**7, 10**8)}"
            worker = Caregiver(
                employer_kind=kind,
                organisation_id=unit.operator_id,
                unit_id=unit.pk,
                role=role,
                region_code=unit.region_code,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                id_number=number,
                id_number_masked=mask_id_number(number),
                id_index=blind_index(number),
                phone=phone,
                phone_masked=mask_phone(phone),
                employed_from=today - datetime.timedelta(days=rng.randrange(60, 2500)),
            )
            rows.append((worker, role, class_id, unit.pk))
    with transaction.atomic():
        Caregiver.objects.bulk_create([w for w, _r, _c, _u in rows])
        certs, shifts = [], []
        opening: dict[tuple[int, int], int] = {}
        for k, (w, role, class_id, unit_id) in enumerate(rows):
            start = today - datetime.timedelta(days=rng.randrange(30, 700))
            certs.append(
                Certificate(
                    caregiver=w,
                    region_code=w.region_code,
                    kind="health",
                    number=f"JK{w.pk:08d}",
                    issuer="示范市疾病预防控制中心",
                    valid_from=today - datetime.timedelta(days=300),
                    valid_to=_health_end(rng, today, k),
                )
            )
            cert_kind, levels = SKILL[role]
            if rng.random() < 0.93:
                certs.append(
                    Certificate(
                        caregiver=w,
                        region_code=w.region_code,
                        kind=cert_kind,
                        level=rng.choice(levels) if levels else None,
                        number=f"ZS{w.pk:08d}",
                        issuer="示范市人力资源和社会保障局",
                        valid_from=start,
                        valid_to=start + datetime.timedelta(days=365 * 5),
                    )
                )
            for d in range(3):
                day = today + datetime.timedelta(days=d)
                if class_id is not None:
                    first = opening.setdefault((class_id, d), w.pk) == w.pk
                    spans = [(8, 17)] if first else [(8, 12), (13, 17)]
                elif role in ("carer", "nurse"):
                    spans = [(7, 15)] if k % 2 else [(15, 23)]
                else:
                    spans = [(9, 17)]
                for a, b in spans:
                    shifts.append(
                        Shift(
                            worker=w,
                            unit_id=unit_id,
                            class_id=class_id,
                            region_code=w.region_code,
                            day=day,
                            start=datetime.time(a),
                            end=datetime.time(b),
                        )
                    )
        Certificate.objects.bulk_create(certs)
        Shift.objects.bulk_create(shifts)
    sent = certificate_warnings_send(day=today)
    city.say(
        f"机构和托育从业人员 {len(rows)} 名（养老机构 {len(elder)} 家、托育机构 {len(childcare)} 家），"
        f"证书 {len(certs)} 张，排班 {len(shifts)} 班，证书到期提醒 {sent['messages']} 条"
    )

    demo_training.generate(city)
