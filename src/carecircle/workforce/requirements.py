"""Which certificates a piece of work needs, as data (issue 21, 2): by home-care task (a service
item's code or its category's code) and by the role a worker takes on a shift at a kind of unit.

Each requirement is a set of alternative certificate kinds (one valid certificate of any of them on
the day of the work suffices) with an optional minimum level. Sources:
- 健康证 for everyone who handles food or cares for people in person: 食品安全法 第四十五条 (food),
  托儿所幼儿园卫生保健管理办法 第十三条 (childcare staff examined before taking up the post),
  养老机构服务安全基本规范 GB 38600-2019 (institution staff).
- 养老护理员 certificates for hands-on elder care: Hangzhou 二(二)3, Jiaxing 二(五)14
  (持证上岗); 护士执业证书 for nurses: 护士条例 第七条.
- 保育师/育婴员 for 保育人员, a 托幼机构卫生保健人员 training certificate for 保健员, a 负责人岗位培训
  certificate for the director: 托育机构设置标准(试行) (国卫人口发〔2019〕58号) 第十一条至第十五条,
  托育机构管理规范(试行) 第二十七条; Hangzhou 二(二)3 and Qujing 三(五)2 (托育从业人员持证上岗率).
- 社会工作者职业资格 for social workers: Jiaxing 二(五)14 (发展老年社会工作)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carecircle.workforce.models import CertificateKind as K
from carecircle.workforce.models import WorkerRole as R
from carecircle.workforce.types import Requirement


def _need(*kinds: str, min_level: int = 0) -> Requirement:
    return Requirement(frozenset(kinds), min_level)


HEALTH = _need(K.HEALTH)

# Home-care tasks: by service item code, else by category code (homecare/catalogue.py). The item's
# own `min_level` and `needs_health_certificate` still apply on top (home care's catalogue).
HOMECARE_TASKS: dict[str, tuple[Requirement, ...]] = {
    "meal.feeding": (_need(K.ELDER_CARE),),
    "bath": (_need(K.ELDER_CARE),),
    "rehab": (_need(K.ELDER_CARE, K.NURSE),),
    "urgent": (_need(K.ELDER_CARE, K.NURSE),),
    "training": (_need(K.ELDER_CARE, min_level=3),),
}

ELDER_UNITS = "elder"
CHILDCARE_UNITS = "childcare"

# Roles on a shift, by the group of unit kinds (facilities.FacilityKind) they work in.
ROLES: dict[tuple[str, str], tuple[Requirement, ...]] = {
    (ELDER_UNITS, R.CARER): (HEALTH, _need(K.ELDER_CARE)),
    (ELDER_UNITS, R.HOME_CAREGIVER): (HEALTH, _need(K.ELDER_CARE)),
    (ELDER_UNITS, R.NURSE): (HEALTH, _need(K.NURSE)),
    (ELDER_UNITS, R.SOCIAL_WORKER): (_need(K.SOCIAL_WORK),),
    (ELDER_UNITS, R.MANAGER): (_need(K.TRAINING),),
    (CHILDCARE_UNITS, R.CHILDCARE_CARER): (HEALTH, _need(K.CHILDCARE, K.INFANT_CARE)),
    (CHILDCARE_UNITS, R.INFANT_CARER): (HEALTH, _need(K.INFANT_CARE, K.CHILDCARE)),
    (CHILDCARE_UNITS, R.CHILD_HEALTH): (HEALTH, _need(K.CHILD_HEALTH, K.NURSE)),
    (CHILDCARE_UNITS, R.NURSE): (HEALTH, _need(K.NURSE)),
    (CHILDCARE_UNITS, R.DIRECTOR): (HEALTH, _need(K.TRAINING)),
    (CHILDCARE_UNITS, R.MANAGER): (HEALTH,),
}

CHILDCARE_KINDS = frozenset(
    {"childcare_centre", "kindergarten_class", "embedded_childcare", "growth_station"}
)
# Roles who count towards a childcare class's children-per-caregiver ratio (托育机构设置标准 第十四条).
CLASS_STAFF_ROLES = frozenset({R.CHILDCARE_CARER, R.INFANT_CARER})
# Nursing staff of an institution (nursing staff per resident).
NURSING_ROLES = frozenset({R.CARER, R.NURSE})


def unit_group(facility_kind: str) -> str:
    return CHILDCARE_UNITS if facility_kind in CHILDCARE_KINDS else ELDER_UNITS


def for_task(item_code: str, category_code: str) -> tuple[Requirement, ...]:
    return HOMECARE_TASKS.get(item_code) or HOMECARE_TASKS.get(category_code) or ()


def for_role(facility_kind: str, role: str) -> tuple[Requirement, ...]:
    return ROLES.get((unit_group(facility_kind), role), ())


def missing(requirements: tuple[Requirement, ...], held: dict[str, int]) -> list[Requirement]:
    return [r for r in requirements if not r.met_by(held)]


def describe(requirement: Requirement) -> str:
    labels = dict(K.choices)
    text = _("或").join(str(labels[k]) for k in sorted(requirement.kinds))
    if requirement.min_level:
        return _("%(kinds)s（%(level)d级及以上）") % {"kinds": text, "level": requirement.min_level}
    return text
