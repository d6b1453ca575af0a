"""Staff lists of training attendance and integrity records (core/lists.py: count, filters, Excel)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.types import Actor
from carecircle.workforce import integrity, training
from carecircle.workforce.models import Course, IntegrityKind, IntegrityStatus, TrainingTopic, WorkerRole
from carecircle.workforce.selectors import employer_q

PASSED = (("yes", _("合格")), ("no", _("不合格")))


def _passed(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(passed=value == "yes")


def _may_see(user: Actor) -> bool:
    return scope.has_perm(user, "workforce.view") or employer_q(user) is not None


ATTENDANCE = lists.ListSpec(
    name="workforce.training",
    title=_("培训记录"),
    perm="workforce.view",
    access=_may_see,
    rows=lambda user: training.attendance_search(user=user),
    file_name="training",
    columns=(
        lists.Column("day", _("培训日期"), lambda a: a.day, sort=("day",)),
        lists.Column("worker", _("姓名"), lambda a: a.worker.name, sort=("worker__name",)),
        lists.Column("role", _("岗位"), lambda a: a.worker.get_role_display()),
        lists.Column("course", _("课程"), lambda a: a.session.course.title, sort=("session__course__title",)),
        lists.Column("provider", _("培训机构"), lambda a: a.session.course.provider),
        lists.Column("topic", _("主题"), lambda a: a.session.course.get_topic_display()),
        lists.Column("hours", _("学时"), lambda a: a.hours, sort=("hours",)),
        lists.Column("passed", _("考核"), lambda a: _("合格") if a.passed else _("不合格")),
        lists.Column("region", _("所在社区"), lambda a: a.region_code, region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("role", _("岗位"), tuple(WorkerRole.choices), lookup="worker__role"),
        lists.choice_filter(
            "topic", _("主题"), tuple(TrainingTopic.choices), lookup="session__course__topic"
        ),
        lists.choice_filter("passed", _("考核"), PASSED, apply=_passed),
        lists.date_filter("day", _("培训日期"), "day"),
        lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(worker__name__contains=v)),
    ),
    default_sort="-day",
)

COURSES = lists.ListSpec(
    name="workforce.courses",
    title=_("培训课程"),
    perm="workforce.view",
    rows=lambda user: scope.in_scope(Course.objects.all(), user, "workforce.view"),
    file_name="training_courses",
    columns=(
        lists.Column(
            "title",
            _("课程名称"),
            lambda c: c.title,
            sort=("title",),
            link=lambda c: reverse("workforce:training_course", args=[c.pk]),
        ),
        lists.Column("provider", _("培训机构"), lambda c: c.provider, sort=("provider",)),
        lists.Column("topic", _("主题"), lambda c: c.get_topic_display()),
        lists.Column("hours", _("学时"), lambda c: c.hours, sort=("hours",)),
        lists.Column("region", _("所在区域"), lambda c: c.region_code, region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("topic", _("主题"), tuple(TrainingTopic.choices)),
        lists.text_filter(
            "q",
            _("课程名称或培训机构"),
            lambda qs, v: qs.filter(title__contains=v) | qs.filter(provider__contains=v),
        ),
    ),
    default_sort="title",
)

INTEGRITY = lists.ListSpec(
    name="workforce.integrity",
    title=_("从业人员诚信记录"),
    perm="workforce.view",
    rows=lambda user: integrity.integrity_search(user=user),
    file_name="integrity",
    columns=(
        lists.Column("occurred_on", _("发生日期"), lambda r: r.occurred_on, sort=("occurred_on",)),
        lists.Column("worker", _("姓名"), lambda r: r.worker.name, sort=("worker__name",)),
        lists.Column("kind", _("记录类别"), lambda r: r.get_kind_display()),
        lists.Column("source", _("来源"), lambda r: r.get_source_display()),
        lists.Column("source_ref", _("来源文号"), lambda r: r.source_ref),
        lists.Column("summary", _("事实摘要"), lambda r: r.summary),
        lists.Column("status", _("状态"), lambda r: r.get_status_display(), sort=("status",)),
        lists.Column("region", _("所在社区"), lambda r: r.region_code, region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", _("记录类别"), tuple(IntegrityKind.choices)),
        lists.choice_filter("status", _("状态"), tuple(IntegrityStatus.choices)),
        lists.date_filter("occurred", _("发生日期"), "occurred_on"),
        lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(worker__name__contains=v)),
    ),
    default_sort="-occurred_on",
)
