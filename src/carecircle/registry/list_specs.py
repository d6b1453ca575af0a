"""The registry's staff lists, declared for the list component (core/lists.py)."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.types import Actor
from carecircle.core.vault import shown_birth
from carecircle.registry import selectors
from carecircle.registry.models import ImportJob, Person, PersonStatus, StatusKind

PERSON_PII = ("person__id_number", "person__phone", "person__address")

AGE_BANDS = (
    ("elder", _("老年人(60+)")),
    ("senior80", _("高龄(80+)")),
    ("centenarian", _("百岁老人")),
    ("infant", _("婴幼儿(0-3岁)")),
)


def _people(user: Actor) -> QuerySet[Person]:
    return selectors.person_search(user=user)


PEOPLE = lists.ListSpec(
    name="registry.people",
    title=_("人员信息"),
    perm="registry.view",
    export_perm="registry.export",
    rows=_people,
    file_name="people",
    columns=(
        lists.Column(
            "name",
            _("姓名"),
            lambda p: p.name,
            sort=("name",),
            link=lambda p: reverse("registry:person_detail", args=[p.pk]),
        ),
        lists.Column("sex", _("性别"), lambda p: p.get_sex_display(), sort=("sex",)),
        lists.Column(
            "age",
            _("年龄"),
            lambda p: selectors.shown_person_age(p, timezone.localdate()),
            sort=("-birth_date",),
        ),
        lists.Column(
            "birth", _("出生年月"), lambda p: shown_birth(p.birth_date), clear=lambda p: p.birth_date
        ),
        lists.Column("id_number", _("身份证号"), lambda p: p.id_masked, clear=lambda p: p.id_number),
        lists.Column("phone", _("联系电话"), lambda p: p.phone_masked, clear=lambda p: p.phone),
        lists.Column("address", _("居住地址"), lambda p: p.address_masked, clear=lambda p: p.address),
        lists.Column(
            "region", _("所属社区"), lambda p: p.region_code, sort=("region_code", "name"), region=True
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter(
            "status",
            _("人员状况"),
            StatusKind.choices,
            apply=lambda qs, v: qs.filter(selectors.status_on(v, timezone.localdate())),
        ),
        lists.choice_filter(
            "group",
            _("年龄段"),
            AGE_BANDS,
            apply=lambda qs, v: qs.filter(selectors.birth_date_bounds(v, timezone.localdate())),
        ),
        lists.text_filter("q", _("搜索"), lists.person_text(), placeholder=_("姓名或完整身份证号")),
    ),
    default_sort="region",
)


# ------------------------------------------------------------------ the statuses register


def _statuses(user: Actor) -> QuerySet[PersonStatus]:
    """Every status held by a person of the user's regions (past, current and future periods)."""
    return scope.in_scope(
        PersonStatus.objects.select_related("person").defer(*PERSON_PII), user, "registry.view"
    )


def _valid_between(
    qs: QuerySet[Any], bounds: tuple[datetime.date | None, datetime.date | None]
) -> QuerySet[Any]:
    """Statuses held on some day of the range (both ends included; one day: from = to): begun by its
    end and not ended before its start (an open period holds on)."""
    low, high = bounds
    if high:
        qs = qs.filter(valid_from__lte=high)
    if low:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=low))
    return qs


STATUSES = lists.ListSpec(
    name="registry.statuses",
    title=_("人员状况登记"),
    perm="registry.view",
    export_perm="registry.export",
    rows=_statuses,
    file_name="statuses",
    columns=(
        lists.Column(
            "name",
            _("姓名"),
            lambda s: s.person.name,
            sort=("person__name",),
            link=lambda s: reverse("registry:person_detail", args=[s.person_id]),
        ),
        lists.Column("kind", _("状况"), lambda s: s.get_kind_display(), sort=("kind",)),
        lists.Column("valid_from", _("起始日期"), lambda s: s.valid_from, sort=("valid_from",)),
        lists.Column("valid_to", _("终止日期"), lambda s: s.valid_to or _("至今"), sort=("valid_to",)),
        lists.Column("source", _("来源"), lambda s: s.source, sort=("source",)),
        lists.Column(
            "region",
            _("所属社区"),
            lambda s: s.region_code,
            sort=("region_code", "person__name"),
            region=True,
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", _("状况"), StatusKind.choices),
        lists.Filter("valid", _("有效期间"), lists.DATES, _valid_between),
        lists.text_filter("source", _("来源"), lambda qs, v: qs.filter(source__contains=v)),
        lists.text_filter("q", _("搜索"), lists.person_text("person"), placeholder=_("姓名或完整身份证号")),
    ),
    default_sort="-valid_from",
)


# ------------------------------------------------------------------ import jobs


def _import_jobs(user: Actor) -> QuerySet[ImportJob]:
    """The jobs the user started: their reports name people by row, so no one else's (as the job's
    own page, selectors.import_job_get)."""
    if user is None:  # no one: no jobs
        return ImportJob.objects.none()
    return selectors.import_jobs_of(user).select_related("created_by")


def _who(job: ImportJob) -> str:
    user = job.created_by
    return (user.display_name or user.username) if user else ""


def _rows_ok(job: ImportJob) -> int:
    return job.created_count + job.updated_count + job.unchanged_count


IMPORT_JOBS = lists.ListSpec(
    name="registry.imports",
    title=_("导入记录"),
    perm="registry.import",
    export_perm="registry.export",
    rows=_import_jobs,
    file_name="imports",
    columns=(
        lists.Column(
            "file",
            _("文件"),
            lambda j: j.file_name,
            sort=("file_name",),
            link=lambda j: reverse("registry:import_detail", args=[j.pk]),
        ),
        lists.Column("who", _("导入人"), _who),
        lists.Column(
            "created",
            _("导入时间"),
            lambda j: lists.local_time(j.created_at),
            sort=("created_at",),
        ),
        lists.Column("ok", _("成功行数"), _rows_ok),
        lists.Column("bad", _("拒绝行数"), lambda j: j.rejected_count, sort=("rejected_count",)),
        lists.Column("state", _("状态"), lambda j: j.get_state_display(), sort=("state",)),
    ),
    filters=(
        lists.choice_filter("state", _("状态"), ImportJob.State.choices),
        lists.date_filter("created", _("导入日期"), "created_at__date"),
    ),
    default_sort="-created",
)
