"""The workforce's staff lists, declared for the list component (core/lists.py)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.types import Actor
from carecircle.workforce import selectors
from carecircle.workforce.models import (
    EMPLOYER_KINDS,
    Caregiver,
    Certificate,
    CertificateKind,
    CertificateLevel,
    WorkerRole,
)

EMPLOYMENT = (("employed", _("在职")), ("left", _("已离职")))
LEVELS = tuple((str(v), label) for v, label in CertificateLevel.choices)
ROLES = tuple(WorkerRole.choices)
EMPLOYERS = tuple((k.value, k.label) for k in EMPLOYER_KINDS)


def _caregivers(user: Actor) -> QuerySet[Caregiver]:
    return selectors.caregiver_search(user=user).prefetch_related("certificates")


def may_see(user: Actor) -> bool:
    """Staff with workforce.view, and the admins of an employer (their own staff)."""
    return scope.has_perm(user, "workforce.view") or selectors.employer_q(user) is not None


def _employment(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    employed = selectors.employed_on(timezone.localdate())
    return qs.filter(employed) if value == "employed" else qs.exclude(employed)


def _level(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Holding, today, an elder-care certificate of this level or above."""
    today = timezone.localdate()
    valid = Certificate.objects.filter(
        caregiver=OuterRef("pk"),
        kind=CertificateKind.ELDER_CARE,
        level__gte=int(value),
        valid_from__lte=today,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return qs.filter(Exists(valid))


def _prepare(rows: list[Any]) -> None:
    today = timezone.localdate()
    levels = dict(CertificateLevel.choices)
    for c in rows:
        valid = [x for x in c.certificates.all() if x.holds_on(today)]
        level = max((x.level or 0 for x in valid if x.kind == CertificateKind.ELDER_CARE), default=0)
        c.level_shown = str(levels[level]) if level else str(_("无有效证书"))
        c.health_shown = (
            str(_("有")) if any(x.kind == CertificateKind.HEALTH for x in valid) else str(_("无"))
        )


CAREGIVERS = lists.ListSpec(
    name="workforce.caregivers",
    title=_("从业人员"),
    perm="workforce.view",
    access=may_see,
    rows=_caregivers,
    file_name="caregivers",
    prepare=_prepare,
    columns=(
        lists.Column(
            "name",
            _("姓名"),
            lambda c: c.name,
            sort=("name",),
            link=lambda c: reverse("workforce:caregiver_detail", args=[c.pk]),
        ),
        lists.Column("level", _("养老护理员等级"), lambda c: c.level_shown),
        lists.Column("health", _("健康证"), lambda c: c.health_shown),
        lists.Column("phone", _("联系电话"), lambda c: c.phone_masked, clear=lambda c: c.phone),
        lists.Column(
            "region", _("所在社区"), lambda c: c.region_code, sort=("region_code", "name"), region=True
        ),
        lists.Column("employed_from", _("入职日期"), lambda c: c.employed_from, sort=("employed_from",)),
        lists.Column("employed_to", _("离职日期"), lambda c: c.employed_to or "", sort=("employed_to",)),
        lists.Column("role", _("岗位"), lambda c: c.get_role_display(), sort=("role", "name")),
        lists.Column("employer", _("用人单位类别"), lambda c: c.get_employer_kind_display()),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("employment", _("在职状态"), EMPLOYMENT, apply=_employment),
        lists.choice_filter("role", _("岗位"), ROLES),
        lists.choice_filter("employer", _("用人单位类别"), EMPLOYERS, lookup="employer_kind"),
        lists.choice_filter("level", _("最低等级"), LEVELS, apply=_level),
        lists.date_filter("employed", _("入职日期"), "employed_from"),
        lists.text_filter("q", _("姓名"), lambda qs, v: qs.filter(name__contains=v)),
    ),
    default_sort="name",
)
