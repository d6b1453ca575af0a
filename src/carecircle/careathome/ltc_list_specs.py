"""The LTC staff list, declared for the list component (core/lists.py): count, filters, sort,
Excel export; names, never codes."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecircle.careathome import selectors
from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.careathome.models.ltc import LtcAssessment, LtcStatus
from carecircle.core import lists
from carecircle.core.types import Actor

LEVELS = tuple((str(i), name) for i, name in enumerate(LEVEL_NAMES))


def _rows(user: Actor) -> QuerySet[LtcAssessment]:
    return selectors.ltc_assessment_list(user=user)


def _level(a: Any) -> str:
    return "" if a.level is None else LEVEL_NAMES[a.level]


LTC_ASSESSMENTS = lists.ListSpec(
    name="careathome.ltc_assessments",
    title=_("长期护理失能等级评估"),
    perm="ltc.view",
    export_perm="registry.export",
    rows=_rows,
    file_name="ltc-assessments",
    row_template="careathome/ltc_row_actions.html",
    columns=(
        lists.Column(
            "name",
            _("老人"),
            lambda a: a.person.name,
            sort=("person__name",),
            link=lambda a: reverse("careathome:ltc_detail", args=[a.pk]),
        ),
        lists.Column("region", _("所属社区"), lambda a: a.region_code, sort=("region_code",), region=True),
        lists.Column("applied_on", _("申请日期"), lambda a: a.applied_on, sort=("applied_on",)),
        lists.Column("applicant", _("申请人"), lambda a: a.get_applicant_kind_display()),
        lists.Column("status", _("状态"), lambda a: a.get_status_display(), sort=("status",)),
        lists.Column("round", _("轮次"), lambda a: _("异议复评") if a.round > 1 else _("首次评估")),
        lists.Column("level", _("失能等级"), _level, sort=("level",)),
        lists.Column("notice_until", _("公示截止"), lambda a: a.notice_until or "", sort=("notice_until",)),
        lists.Column("valid_until", _("有效期至"), lambda a: a.valid_until or "", sort=("valid_until",)),
        lists.Column("fee", _("评估费"), lambda a: a.fee, sort=("fee",)),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("status", _("状态"), LtcStatus.choices),
        lists.choice_filter("level", _("失能等级"), LEVELS),
        lists.date_filter("applied", _("申请日期"), "applied_on"),
        lists.text_filter("q", _("老人姓名"), lambda qs, v: qs.filter(person__name__contains=v)),
    ),
    default_sort="-applied_on",
)
