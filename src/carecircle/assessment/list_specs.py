"""The assessment module's staff lists, declared for the list component (core/lists.py): the
capability assessments, and the people to assess or screen."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.assessment import selectors
from carecircle.assessment.models import (
    LEVEL_CHOICES,
    AssessmentReason,
    CapabilityAssessment,
    CheckKind,
    ReferralStatus,
    RequestState,
)
from carecircle.core import lists, scope
from carecircle.core.types import Actor
from carecircle.registry.models import Person
from carecircle.registry.selectors import active_on, birth_date_bounds, shown_person_age

VALIDITY = (("current", _("当前有效")), ("all", _("含已失效的历史评估")))
LEVELS = tuple((str(v), label) for v, label in LEVEL_CHOICES)


def _assessments(user: Actor) -> QuerySet[CapabilityAssessment]:
    return selectors.assessment_list(user=user, current_only=False)


def _validity(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == "all":
        return qs
    day = timezone.localdate()
    return qs.filter(valid_from__lte=day, valid_to__gte=day)


ASSESSMENTS = lists.ListSpec(
    name="assessment.assessments",
    title=_("老年人能力评估"),
    perm="assessment.view",
    export_perm="registry.export",
    rows=_assessments,
    file_name="assessments",
    columns=(
        lists.Column(
            "name",
            _("姓名"),
            lambda a: a.person.name,
            sort=("person__name",),
            link=lambda a: reverse("registry:person_detail", args=[a.person_id]),
        ),
        lists.Column("region", _("所属社区"), lambda a: a.region_code, sort=("region_code",), region=True),
        lists.Column("assessed_on", _("评估日期"), lambda a: a.assessed_on, sort=("assessed_on",)),
        lists.Column("reason", _("评估原因"), lambda a: a.get_reason_display(), sort=("reason",)),
        lists.Column("total", _("总分"), lambda a: a.total, sort=("total",)),
        lists.Column("level", _("能力等级"), lambda a: a.get_final_level_display(), sort=("final_level",)),
        lists.Column("valid_to", _("有效期至"), lambda a: a.valid_to, sort=("valid_to",)),
        lists.Column("assessor", _("评估员"), lambda a: a.assessor_name, sort=("assessor_name",)),
        lists.Column(
            "report",
            _("评估报告"),
            lambda _a: _("查看"),
            link=lambda a: reverse("assessment:detail", args=[a.pk]),
            page_only=True,
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("level", _("能力等级"), LEVELS, lookup="final_level"),
        lists.choice_filter("reason", _("评估原因"), AssessmentReason.choices),
        lists.choice_filter("validity", _("有效性"), VALIDITY, apply=_validity),
        lists.date_filter("assessed", _("评估日期"), "assessed_on"),
        lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(person__name__contains=v)),
    ),
    defaults={"validity": "current"},
    default_sort="-assessed_on",
)


GROUPS = (("senior80", _("高龄(80+)")), ("elder", _("老年人(60+)")), ("infant", _("婴幼儿(0-3岁)")))
ASSESSED = (("unassessed", _("无有效评估")), ("assessed", _("已有有效评估")))


def _people(user: Actor) -> QuerySet[Person]:
    qs = scope.in_scope(Person.objects.all(), user, "assessment.record")
    return qs.filter(active_on(timezone.localdate())).defer("id_number", "phone", "address")


def _assessed(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    day = timezone.localdate()
    valid = Exists(
        CapabilityAssessment.objects.filter(person=OuterRef("pk"), valid_from__lte=day, valid_to__gte=day)
    )
    return qs.filter(valid) if value == "assessed" else qs.filter(~valid)


def _action(p: Person) -> tuple[str, str]:
    if shown_person_age(p) < 3:
        return str(_("记录筛查/检查")), reverse("assessment:check_new", args=[p.pk])
    return str(_("开始评估")), reverse("assessment:new", args=[p.pk])


TO_ASSESS = lists.ListSpec(
    name="assessment.people",
    title=_("选择评估对象"),
    perm="assessment.record",
    export_perm="registry.export",
    rows=_people,
    file_name="people-to-assess",
    columns=(
        lists.Column("name", _("姓名"), lambda p: p.name, sort=("name",)),
        lists.Column("sex", _("性别"), lambda p: p.get_sex_display(), sort=("sex",)),
        lists.Column("age", _("年龄"), lambda p: shown_person_age(p), sort=("-birth_date",)),
        lists.Column("id_number", _("身份证号"), lambda p: p.id_masked, clear=lambda p: p.id_number),
        lists.Column("region", _("社区"), lambda p: p.region_code, sort=("region_code", "name"), region=True),
        lists.Column(
            "action", _("操作"), lambda p: _action(p)[0], link=lambda p: _action(p)[1], page_only=True
        ),
    ),
    filters=(
        lists.choice_filter(
            "group",
            _("人群"),
            GROUPS,
            apply=lambda qs, v: qs.filter(birth_date_bounds(v, timezone.localdate())),
        ),
        lists.choice_filter("assessed", _("评估情况"), ASSESSED, apply=_assessed),
        lists.region_filter(),
        lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(name__contains=v)),
    ),
    defaults={"group": "senior80", "assessed": "unassessed"},
    default_sort="region",
)


# the filter's values name the open states (not the stored codes, which the row forms post)
OPEN_REFERRALS = (("waiting", ReferralStatus.PENDING.label), ("sent", ReferralStatus.REFERRED.label))
_OPEN_CODES = {"waiting": ReferralStatus.PENDING, "sent": ReferralStatus.REFERRED}

REFERRALS = lists.ListSpec(
    name="assessment.referrals",
    title=_("儿童筛查转介名单"),
    perm="assessment.view",
    export_perm="registry.export",
    rows=lambda user: selectors.referral_list(user=user),
    file_name="referrals",
    row_template="assessment/_referral_actions.html",
    columns=(
        lists.Column("name", _("儿童"), lambda c: c.person.name, sort=("person__name",)),
        lists.Column("months", _("月龄"), lambda c: c.shown_age_months),
        lists.Column("region", _("所属社区"), lambda c: c.region_code, sort=("region_code",), region=True),
        lists.Column("kind", _("检查"), lambda c: c.get_kind_display(), sort=("kind",)),
        lists.Column("checked_on", _("日期"), lambda c: c.checked_on, sort=("checked_on",)),
        lists.Column("result", _("结论"), lambda c: c.result),
        lists.Column("reason", _("转介原因"), lambda c: c.referral_reason),
        lists.Column("status", _("状态"), lambda c: c.get_referral_display(), sort=("referral",)),
        lists.Column("note", _("转介记录"), lambda c: c.referral_note),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", _("检查"), CheckKind.choices),
        lists.choice_filter(
            "status", _("状态"), OPEN_REFERRALS, apply=lambda qs, v: qs.filter(referral=_OPEN_CODES[v])
        ),
        lists.date_filter("checked", _("检查日期"), "checked_on"),
        lists.text_filter("q", _("儿童姓名"), lambda qs, v: qs.filter(person__name__contains=v)),
    ),
    default_sort="checked_on",
)


# ------------------------------------------------------------------ requests made online (requests.py)

_REQUEST_STATES = tuple((s.value, s.label) for s in RequestState)

REQUESTS = lists.ListSpec(
    name="assessment.requests",
    title=_("能力评估申请"),
    perm="assessment.view",
    export_perm="registry.export",
    rows=lambda user: selectors.request_list(user=user),
    file_name="assessment-requests",
    row_template="assessment/_request_actions.html",
    columns=(
        lists.Column("name", _("老人"), lambda r: r.person.name, sort=("person__name",)),
        lists.Column("region", _("所属社区"), lambda r: r.region_code, sort=("region_code",), region=True),
        lists.Column(
            "created_at", _("申请时间"), lambda r: lists.local_time(r.created_at), sort=("created_at",)
        ),
        lists.Column("note", _("申请说明"), lambda r: r.note),
        lists.Column("state", _("状态"), lambda r: r.get_state_display(), sort=("state",)),
        lists.Column(
            "appointment_on", _("预约日期"), lambda r: r.appointment_on or "", sort=("appointment_on",)
        ),
        lists.Column("refused_reason", _("不予受理原因"), lambda r: r.refused_reason),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", _("状态"), _REQUEST_STATES),
        lists.date_filter("created", _("申请日期"), "created_at__date"),
        lists.text_filter("q", _("老人姓名"), lambda qs, v: qs.filter(person__name__contains=v)),
    ),
    defaults={"state": RequestState.SUBMITTED},
    default_sort="created_at",
)
