"""Data the facility services check against: the documents a filing needs, the fields a filing may
set, and the evaluation forms of the two grading schemes. Thresholds and subsidies are in the
database (GradeLevel, GradeSubsidy), loaded by migration 0002."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.facilities.models import Facility
from carecircle.facilities.models import FacilityKind as K

DOCUMENTS = {
    "business_licence": _("营业执照或事业单位/民办非企业单位登记证书"),
    "site_proof": _("场地使用证明（产权或租赁合同）"),
    "fire_safety": _("消防安全检查合格证明或消防备案凭证"),
    "building_safety": _("房屋建筑质量安全证明"),
    "food_licence": _("食品经营许可证"),
    "health_inspection": _("托育机构卫生评价报告"),
    "staff_list": _("从业人员名单及资格证明"),
    "commitment": _("备案承诺书"),
    "closure_plan": _("在住（在托）人员安置方案"),
}

_INSTITUTION = [
    "business_licence",
    "site_proof",
    "fire_safety",
    "building_safety",
    "staff_list",
    "commitment",
]
_CHILDCARE = [
    "business_licence",
    "site_proof",
    "fire_safety",
    "building_safety",
    "health_inspection",
    "staff_list",
]
REQUIRED_FOR_NEW: dict[str, list[str]] = {  # keyed by FacilityKind (a str)
    K.NURSING_PUBLIC: _INSTITUTION,
    K.NURSING_PPP: _INSTITUTION,
    K.NURSING_PRIVATE: _INSTITUTION,
    K.DEMENTIA_UNIT: _INSTITUTION,
    K.STREET_CENTRE: ["business_licence", "site_proof", "fire_safety", "staff_list"],
    K.COMMUNITY_CENTRE: ["site_proof", "fire_safety"],
    K.CANTEEN: ["site_proof", "food_licence", "fire_safety"],
    K.RURAL_MUTUAL: ["site_proof"],
    K.CHILDCARE_CENTRE: _CHILDCARE,
    K.EMBEDDED_CHILDCARE: _CHILDCARE,
    K.KINDERGARTEN_CLASS: ["business_licence", "health_inspection", "staff_list"],
    K.GROWTH_STATION: ["site_proof", "staff_list"],
    K.ELDER_UNIVERSITY: ["site_proof"],
    K.ACTIVITY_CENTRE: ["site_proof"],
}
# A change of capacity needs the building and fire documents again; a change of licence its licence.
REQUIRED_FOR_CHANGE = {
    "beds_general": ["fire_safety", "building_safety"],
    "beds_nursing": ["fire_safety", "building_safety"],
    "beds_cognitive": ["fire_safety", "building_safety"],
    "childcare_places": ["fire_safety", "building_safety"],
    "address": ["site_proof", "fire_safety"],
    "licence": ["business_licence"],
}

# Fields a filing (new or change) may set, with their kind for validation.
TEXT_FIELDS = {"name": 120, "licence": 60, "address": 200, "opening_hours": 100, "phone": 20}
INT_FIELDS = [
    "beds_general",
    "beds_nursing",
    "beds_cognitive",
    "childcare_places",
    "childcare_places_puhui",
    "staff_count",
    "caregiver_count",
]
FLOAT_FIELDS = ["latitude", "longitude"]
DECIMAL_FIELDS = ["childcare_fee_monthly"]
LIST_FIELDS = ["services"]
EDITABLE = set(TEXT_FIELDS) | set(INT_FIELDS) | set(FLOAT_FIELDS) | set(DECIMAL_FIELDS) | set(LIST_FIELDS)
BED_FIELDS = ["beds_general", "beds_nursing", "beds_cognitive"]
PLACE_FIELDS = ["childcare_places", "childcare_places_puhui", "childcare_fee_monthly"]

# Evaluation forms: (section key, label, maximum points).
FORMS = {
    "star": [
        ("environment", _("环境"), 120),
        ("equipment", _("设施设备"), 130),
        ("management", _("运营管理"), 150),
        ("service", _("服务"), 600),
    ],
    "centre": [
        ("facility", _("设施环境"), 20),
        ("service", _("服务内容与质量"), 40),
        ("management", _("运营管理"), 25),
        ("satisfaction", _("社会评价"), 15),
    ],
}


def field_label(name: str) -> str:
    """The label of one of the facility's own fields (a filing's change names it)."""
    field = Facility._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def decimal_digits(name: str) -> int | None:
    """The `max_digits` of one of the facility's decimal fields."""
    field = Facility._meta.get_field(name)
    return field.max_digits if isinstance(field, models.DecimalField) else None
