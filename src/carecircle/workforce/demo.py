"""Caregivers of the synthetic city, for the demo steps of the modules that employ them (homecare's
providers): teams with certificates (养老护理员 levels weighted to 初级/中级, health certificates,
training), and an account for a caregiver who must act. Not a demo step itself (no `generate`)."""

import datetime

from django.db import transaction

from carecircle.core import regions
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.workforce.models import Caregiver, Certificate

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
