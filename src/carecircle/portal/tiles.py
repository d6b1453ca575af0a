"""What the resident home page shows (templates/portal/home.html): the persons linked to the
account, the tiles, today's visits with their caregivers and, for parents, their children's checks.
Every read starts from `registry.selectors.family_persons(user)`: an account sees only its own
persons. The number of queries does not grow with the records (tests/portal/test_elder_home.py)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.assessment import selectors as assessment
from carecircle.core.ages import age_on
from carecircle.core.months import add_months
from carecircle.core.navigation import page_url
from carecircle.core.types import Actor
from carecircle.homecare import selectors as homecare
from carecircle.registry.selectors import family_persons

if TYPE_CHECKING:
    from carecircle.homecare.types import FamilyVisit
    from carecircle.registry.models import Person

CHILD_UNTIL = 6  # the children's pages (checks, 托位) are for those under 6; 托育 is 0–3
# 国家基本公共卫生服务规范（第三版）0–6岁儿童健康管理: checks at these ages in months.
CHECK_MONTHS = (1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72)
EARTH_KM = 6371.0


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    hint: str
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class Linked:
    """A person the account acts for, as the home page names them."""

    person: Person
    age: int
    is_self: bool

    @property
    def is_child(self) -> bool:
        return self.age < CHILD_UNTIL


def linked(user: Actor, day: datetime.date | None = None) -> list[Linked]:
    """The account's persons, oldest first (one query)."""
    day = day or timezone.localdate()
    own_id = getattr(user, "pk", None)
    rows = (
        family_persons(user)
        .only("id", "name", "birth_date", "region_code", "latitude", "longitude", "user_id")
        .order_by("birth_date", "id")
    )
    return [Linked(p, age_on(p.birth_date, day), p.user_id == own_id) for p in rows]


def tiles(persons: list[Linked], visits_today: int) -> list[Tile]:
    """The home page's big tiles, each a whole task; 一键呼叫 first."""
    out = [
        Tile(
            "sos", _("一键呼叫"), _("紧急时按这里，呼叫中心马上联系您"), page_url("portal:sos_confirm"), True
        ),
        Tile("benefits", _("我的补贴"), _("每月领到哪些补贴、为什么"), page_url("benefits:mine")),
        Tile("order", _("预约服务"), _("助餐、助浴、助洁等上门服务"), page_url("homecare:order_new")),
        Tile(
            "today",
            _("今天的服务"),
            _("今天有%(n)s次上门服务") % {"n": visits_today} if visits_today else _("今天没有上门服务"),
            "#today",
        ),
        Tile("nearby", _("附近设施"), _("离家最近的养老、托育机构"), page_url("portal:nearby")),
        Tile("apply", _("我要申请"), _("能力评估、机构入住、托位"), page_url("portal:apply")),
    ]
    inbox = page_url("portal:messages")
    if inbox:
        out.append(Tile("messages", _("消息"), _("通知和提醒"), inbox))
    if persons and all(p.is_child for p in persons):
        # A parent of infants only: no older persons' tiles; the allowance tile speaks of the child.
        return [t for t in out if t.key != "order"]
    bank = page_url("timebank:mine")
    if bank:
        out.append(Tile("timebank", _("时间银行"), _timebank_hint(persons), bank))
    care = page_url("careathome:care_home")  # issue 22: the older persons' care at home
    if care:
        out.append(Tile("carehome", _("居家照护"), _("长期护理、家庭床位、适老化改造、辅具租赁"), care))
    return out


def _timebank_hint(persons: list[Linked]) -> str:
    """The older persons' hours in the time bank (one query), or what the tile is for."""
    from carecircle.timebank import selectors as timebank  # noqa: PLC0415 — the module may be absent (reached only when its URLs are)

    hours = timebank.persons_hours([p.person.pk for p in persons if not p.is_child])
    if hours:
        return _("时间余额%(h)s小时，可换志愿服务") % {"h": f"{hours.normalize():f}"}
    return _("请志愿者帮忙，或做志愿者存时间")


def today_visits(persons: list[Linked], day: datetime.date | None = None) -> list[FamilyVisit]:
    """Today's home-service visits of the account's persons (from `linked`) with their caregivers
    (one query), only what the home page shows: no encrypted column is read and decrypted."""
    return homecare.family_visits(
        persons={p.person.pk: p.person.name for p in persons}, day=day or timezone.localdate()
    )


@dataclass(frozen=True)
class ChildCheck:
    kind: str
    checked_on: datetime.date
    result: str
    referred: bool


@dataclass(frozen=True)
class ChildPanel:
    person: Person
    age_months: int
    checks: tuple[ChildCheck, ...]
    next_check: datetime.date | None
    next_check_months: int | None


def months_between(born: datetime.date, day: datetime.date) -> int:
    return (day.year - born.year) * 12 + day.month - born.month - (1 if day.day < born.day else 0)


def children(persons: list[Linked], day: datetime.date | None = None) -> list[ChildPanel]:
    """Each linked child's screenings and growth checks (latest first) and the next check due."""
    day = day or timezone.localdate()
    kids = [p for p in persons if p.is_child]
    if not kids:
        return []
    checks = assessment.checks_of(k.person.pk for k in kids)
    out = []
    for kid in kids:
        done = [
            ChildCheck(str(c.get_kind_display()), c.checked_on, c.result, c.referral != "none")
            for c in checks.get(kid.person.pk, [])[:5]
        ]
        months = months_between(kid.person.birth_date, day)
        due = next(
            (m for m in CHECK_MONTHS if m >= months and add_months(kid.person.birth_date, m) >= day), None
        )
        out.append(
            ChildPanel(
                kid.person,
                months,
                tuple(done),
                add_months(kid.person.birth_date, due) if due is not None else None,
                due,
            )
        )
    return out


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line (great-circle) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def walking_minutes(km: float) -> int:
    """At an older person's pace (about 3 km/h), along streets about 1.3 times the straight line."""
    return max(1, round(km * 1.3 / 3.0 * 60))
