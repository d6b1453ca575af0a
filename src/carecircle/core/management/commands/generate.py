import datetime
import json
import random
import time
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from carecircle.core import audit, demo, names, plugins
from carecircle.core.datadir import data_home
from carecircle.core.models import Region, RoleGrant, UrbanRural, User
from carecircle.core.roles import Role

PROVINCE_CODE, CITY_CODE = "330000000000", "339900000000"
CENTRE = (30.27, 120.15)


class Command(BaseCommand):
    help = "生成可复现的模拟城市（区划、人员、各模块演示数据）。--scale 1 为全市规模（260万老年人）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=0.002, help="城市规模，1 = 260万老年人（默认 0.002）"
        )
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（同一种子生成同一城市）")
        parser.add_argument("--fresh", action="store_true", help="先清空数据库中的全部数据")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="模拟的“今天”")

    def handle(
        self, *args: Any, scale: float, seed: int, fresh: bool, today: datetime.date | None, **options: Any
    ) -> None:
        if not 0 < scale <= 2:
            raise CommandError("--scale 应在 0 到 2 之间（1 = 260万老年人）")
        if fresh:
            # Empties everything, the audit trail too: the one command that may (migration core/0005).
            with audit.purge_allowed():
                call_command("flush", interactive=False, verbosity=0)
            # flush also empties the reference data that migrations load (catalogues, standards…):
            # each module that has some loads it again through its idempotent reference.ensure().
            for module in plugins.optional_submodules("reference"):
                module.ensure()
        if Region.objects.filter(code=CITY_CODE).exists():
            raise CommandError(
                "模拟城市已存在。要重新生成，请加 --fresh（会清空全部数据），或换一个 CARECIRCLE_HOME。"
            )
        city = demo.City(
            seed=seed,
            scale=scale,
            today=today or timezone.localdate(),
            rng=random.Random(seed),
            out=self.stdout,
        )
        started = time.monotonic()
        city.say(
            f"生成模拟城市：老年人 {city.elders:,}，婴幼儿 {city.infants:,}（规模 --scale {scale}，随机种子 --seed {seed}）"
        )
        with transaction.atomic():
            build_regions(city)
            build_accounts(city)
        city.say(
            f"  区划：{len(city.districts)} 个区县，{len(city.streets)} 个街道，{len(city.communities)} 个社区"
        )
        for step in demo.steps():
            city.say(f"[{apps.get_app_config(step.__name__.split('.')[1]).verbose_name}]")
            step.generate(city)
        city.facts["total_seconds"] = time.monotonic() - started
        city.say(f"完成，用时 {city.facts['total_seconds']:.1f} 秒。")
        # The demo prints the sign-in accounts (every module may add its own) from this file.
        (data_home() / "demo-accounts.json").write_text(json.dumps(city.accounts, ensure_ascii=False))
        self.city = city


def _sizes(scale: float) -> tuple[int, int, int]:
    def clamp(x: float, lo: int, hi: int) -> int:
        return max(lo, min(hi, round(x)))

    return clamp(13 * scale**0.35, 2, 13), clamp(15 * scale**0.3, 2, 15), clamp(20 * scale**0.3, 3, 20)


def _urban_rural(d: int, n_d: int, s: int, n_s: int, c: int) -> str:
    """The statistical urban-rural class of a community: the inner half of the districts is city
    (主城区, its last street 城乡结合区); in the outer half each street has a town centre and fringe
    and then villages (镇中心区, 镇乡结合区, 村庄), and its last street is a township (乡中心区, 村庄)."""
    if d < max(1, n_d // 2):
        return UrbanRural.URBAN_FRINGE if s == n_s - 1 and n_s > 1 else UrbanRural.MAIN_URBAN
    if s == n_s - 1 and n_s > 1:
        return UrbanRural.TOWNSHIP_CENTRE if c == 0 else UrbanRural.VILLAGE
    return (UrbanRural.TOWN_CENTRE, UrbanRural.TOWN_FRINGE)[c] if c < 2 else UrbanRural.VILLAGE


def build_regions(city: demo.City) -> None:
    rng = city.rng_for("regions")
    n_d, n_s, n_c = _sizes(city.scale)
    province = Region.objects.create(
        code=PROVINCE_CODE, name="浙江省", level=1, latitude=30.27, longitude=120.15
    )
    top = Region.objects.create(
        code=CITY_CODE, name="示范市", level=2, parent=province, latitude=CENTRE[0], longitude=CENTRE[1]
    )
    city.province, city.city = province, top
    side = max(1, round(n_d**0.5 + 0.49))
    used_street_names: set[str] = set()
    districts, streets, communities = [], [], []
    for d in range(n_d):
        lat = CENTRE[0] + (d // side - side / 2) * 0.16
        lng = CENTRE[1] + (d % side - side / 2) * 0.18
        district = Region(
            code=f"3399{d + 1:02d}000000",
            name=names.DISTRICT_NAMES[d],
            level=3,
            parent=top,
            latitude=round(lat, 5),
            longitude=round(lng, 5),
        )
        districts.append(district)
        for s in range(n_s):
            while True:
                sname = "".join(rng.sample(names.STREET_PARTS, 2)) + "街道"
                if sname not in used_street_names:
                    used_street_names.add(sname)
                    break
            slat, slng = lat + rng.uniform(-0.06, 0.06), lng + rng.uniform(-0.07, 0.07)
            street = Region(
                code=f"{district.code[:6]}{s + 1:03d}000",
                name=sname,
                level=4,
                parent=district,
                latitude=round(slat, 5),
                longitude=round(slng, 5),
            )
            streets.append(street)
            for c in range(n_c):
                cname = "".join(rng.sample(names.COMMUNITY_PARTS, 2)) + "社区"
                communities.append(
                    Region(
                        code=f"{street.code[:9]}{c + 1:03d}",
                        name=cname,
                        level=5,
                        parent=street,
                        urban_rural=_urban_rural(d, n_d, s, n_s, c),
                        latitude=round(slat + rng.uniform(-0.018, 0.018), 5),
                        longitude=round(slng + rng.uniform(-0.02, 0.02), 5),
                    )
                )
    Region.objects.bulk_create(districts)
    Region.objects.bulk_create(streets)
    Region.objects.bulk_create(communities)
    city.districts, city.streets, city.communities = districts, streets, communities


DEMO_ACCOUNTS = [
    # username, role, which region, display name
    ("admin", Role.CITY_ADMIN, "city", "市民政局管理员"),
    ("district", Role.DISTRICT_OFFICIAL, "district", "区民政局干部"),
    ("street", Role.STREET_WORKER, "street", "街道工作人员"),
    ("community", Role.COMMUNITY_WORKER, "community", "社区工作人员"),
    ("provider", Role.PROVIDER_ADMIN, "district", "服务机构管理员"),
    ("caregiver", Role.CAREGIVER, "district", "护理员"),
    ("operator", Role.OPERATOR, "city", "呼叫中心坐席"),
    ("inspector", Role.INSPECTOR, "city", "监管人员"),
    ("family", Role.RESIDENT, "community", "家属（子女）"),
]


def build_accounts(city: demo.City) -> None:
    where = {
        "city": city.city,
        "district": city.districts[0],
        "street": city.streets[0],
        "community": city.communities[0],
    }
    for username, role, region_key, label in DEMO_ACCOUNTS:
        user = User(
            username=username,
            display_name=label,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        user.set_password(demo.DEMO_PASSWORD)
        user.save()
        RoleGrant.objects.create(user=user, role=role, region=where[region_key])
        city.accounts.append((str(Role(role).label), username, demo.DEMO_PASSWORD, where[region_key].name))
