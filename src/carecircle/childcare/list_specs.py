"""Childcare's staff lists, declared for the list component (core/lists.py): the classes, the
enrolments (入托记录) and the vouchers. Classes and enrolments are read through the facility scope
(a childcare operator's admin sees only their own facilities'), vouchers as selectors.vouchers_for
reads them (the children of the official's regions; an operator's admin, those used at their
facilities)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.childcare import selectors
from carecircle.childcare.models import ApplicationState, Band, Enrolment, Voucher
from carecircle.core import lists
from carecircle.core.types import Actor
from carecircle.core.vault import shown_age_months
from carecircle.facilities.selectors import in_facility_scope

YES_NO = (("yes", gettext_lazy("是")), ("no", gettext_lazy("否")))


def _yes_no(field: str) -> Any:
    return lambda qs, v: qs.filter(**{field: v == "yes"})


# ------------------------------------------------------------------ classes


def _prepare_classes(rows: list[Any]) -> None:
    """Each class's children and ratio on the day, for the page's rows in one query."""
    for row in selectors.classes_with_figures(rows):
        row["c"].fig = row["fig"]


def _class_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(name__contains=text) | Q(facility__name__contains=text))


CLASSES = lists.ListSpec(
    name="childcare.classes",
    title=gettext_lazy("托育班级"),
    perm="childcare.view",
    rows=lambda user: selectors.classes_for(user=user),
    file_name="childcare-classes",
    prepare=_prepare_classes,
    columns=(
        lists.Column(
            "facility", gettext_lazy("机构"), lambda c: c.facility.name, sort=("facility__name", "name")
        ),
        lists.Column(
            "name",
            gettext_lazy("班级"),
            lambda c: c.name,
            sort=("name",),
            link=lambda c: reverse("childcare:class_detail", args=[c.pk]),
        ),
        lists.Column("band", gettext_lazy("班型"), lambda c: c.get_band_display(), sort=("band",)),
        lists.Column("enrolled", gettext_lazy("在托人数"), lambda c: c.fig["enrolled"]),
        lists.Column("capacity", gettext_lazy("额定人数"), lambda c: c.capacity, sort=("capacity",)),
        lists.Column(
            "caregivers",
            gettext_lazy("保育人员（师幼比）"),
            lambda c: _("%(n)s（1:%(r)s）") % {"n": c.caregivers, "r": c.fig["ratio"]},
            sort=("caregivers",),
        ),
        lists.Column(
            "puhui", gettext_lazy("普惠"), lambda c: _("是") if c.puhui else _("否"), sort=("puhui",)
        ),
        lists.Column("fee", gettext_lazy("月收费（元）"), lambda c: c.monthly_fee, sort=("monthly_fee",)),
        lists.Column(
            "region", gettext_lazy("所在社区"), lambda c: c.region_code, sort=("region_code",), region=True
        ),
        lists.Column("active", gettext_lazy("状态"), lambda c: _("开班中") if c.active else _("已停班")),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("band", gettext_lazy("班型"), Band.choices),
        lists.choice_filter("puhui", gettext_lazy("普惠班"), YES_NO, apply=_yes_no("puhui")),
        lists.choice_filter("active", gettext_lazy("开班中"), YES_NO, apply=_yes_no("active")),
        lists.text_filter("q", gettext_lazy("搜索"), _class_text, placeholder=gettext_lazy("班级或机构名称")),
    ),
    default_sort="facility",
)


# ------------------------------------------------------------------ enrolments (入托记录)


def _enrolments(user: Actor) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("child", "child_class", "facility").defer(
        "child__id_number", "child__phone", "child__address"
    )
    return in_facility_scope(qs, user, "childcare.view", "facility__")


ENROLMENT_STATES = (("current", gettext_lazy("在托")), ("ended", gettext_lazy("已离托")))


def _enrolment_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    current = Q(start_on__lte=today) & (Q(end_on__isnull=True) | Q(end_on__gt=today))
    return qs.filter(current) if value == "current" else qs.filter(end_on__lte=today)


def _enrolment_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(
        Q(child__name__contains=text) | Q(child_class__name__contains=text) | Q(facility__name__contains=text)
    )


def _state(e: Enrolment) -> str:
    today = timezone.localdate()
    if e.start_on > today:
        return _("待入托")
    return _("已离托") if e.end_on is not None and e.end_on <= today else _("在托")


ENROLMENTS = lists.ListSpec(
    name="childcare.enrolments",
    title=gettext_lazy("入托记录"),
    perm="childcare.view",
    rows=_enrolments,
    region_of=lambda e: e.child_region_code,  # the child's community: pii.unmask over the child
    file_name="childcare-enrolments",
    columns=(
        lists.Column("child", gettext_lazy("婴幼儿"), lambda e: e.child.name, sort=("child__name",)),
        lists.Column(
            "id_number",
            gettext_lazy("身份证号"),
            lambda e: e.child.id_masked,
            clear=lambda e: e.child.id_number,
        ),
        lists.Column(
            "months",
            gettext_lazy("月龄"),
            lambda e: shown_age_months(e.child.birth_date, timezone.localdate()),
            sort=("-child__birth_date",),
        ),
        lists.Column(
            "child_region",
            gettext_lazy("婴幼儿所属社区"),
            lambda e: e.child_region_code,
            sort=("child_region_code",),
            region=True,
        ),
        lists.Column("facility", gettext_lazy("机构"), lambda e: e.facility.name, sort=("facility__name",)),
        lists.Column(
            "class",
            gettext_lazy("班级"),
            lambda e: e.child_class.name,
            sort=("child_class__name",),
            link=lambda e: reverse("childcare:class_detail", args=[e.child_class_id]),
        ),
        lists.Column("band", gettext_lazy("班型"), lambda e: e.child_class.get_band_display()),
        lists.Column("start_on", gettext_lazy("入托日期"), lambda e: e.start_on, sort=("start_on",)),
        lists.Column("end_on", gettext_lazy("离托日期"), lambda e: e.end_on or "", sort=("end_on",)),
        lists.Column("end_reason", gettext_lazy("离托原因"), lambda e: e.end_reason),
        lists.Column("state", gettext_lazy("状态"), _state),
    ),
    filters=(
        lists.region_filter(label=gettext_lazy("机构所在区划")),
        lists.choice_filter("state", gettext_lazy("状态"), ENROLMENT_STATES, apply=_enrolment_state),
        lists.choice_filter("band", gettext_lazy("班型"), Band.choices, lookup="child_class__band"),
        lists.date_filter("start", gettext_lazy("入托日期"), "start_on"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _enrolment_text, placeholder=gettext_lazy("婴幼儿、班级或机构")
        ),
    ),
    defaults={"state": "current"},
    default_sort="-start_on",
)


# ------------------------------------------------------------------ vouchers (托育券)


VOUCHER_STATES = (
    ("open", gettext_lazy("未使用")),
    ("redeemed", gettext_lazy("已使用")),
    ("expired", gettext_lazy("已过期未使用")),
)


def _voucher_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == "redeemed":
        return qs.filter(redeemed_at__isnull=False)
    unused = qs.filter(redeemed_at__isnull=True)
    today = timezone.localdate()
    return unused.filter(valid_to__lt=today) if value == "expired" else unused.filter(valid_to__gte=today)


def _voucher_shown(v: Voucher) -> str:
    if v.redeemed_at is not None:
        return _("已使用")
    return _("已过期未使用") if v.valid_to < timezone.localdate() else _("未使用")


def _voucher_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(child__name__contains=text) | Q(code__icontains=text))


def _vouchers(user: Actor) -> QuerySet[Voucher]:
    return selectors.vouchers_for(user=user).defer("child__id_number", "child__phone", "child__address")


VOUCHERS = lists.ListSpec(
    name="childcare.vouchers",
    title=gettext_lazy("托育券"),
    perm="childcare.view",
    rows=_vouchers,
    file_name="childcare-vouchers",
    columns=(
        lists.Column("code", gettext_lazy("券号"), lambda v: v.code, sort=("code",)),
        lists.Column("batch", gettext_lazy("批次"), lambda v: v.batch, sort=("batch", "code")),
        lists.Column("child", gettext_lazy("婴幼儿"), lambda v: v.child.name, sort=("child__name",)),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda v: v.region_code, sort=("region_code",), region=True
        ),
        lists.Column("amount", gettext_lazy("面额（元）"), lambda v: v.amount, sort=("amount",)),
        lists.Column("issued_on", gettext_lazy("发放日期"), lambda v: v.issued_on, sort=("issued_on",)),
        lists.Column("valid_to", gettext_lazy("有效期至"), lambda v: v.valid_to, sort=("valid_to",)),
        lists.Column("state", gettext_lazy("状态"), _voucher_shown),
        lists.Column(
            "redeemed_at",
            gettext_lazy("使用日期"),
            lambda v: timezone.localtime(v.redeemed_at).date() if v.redeemed_at else "",
            sort=("redeemed_at",),
        ),
        lists.Column(
            "facility",
            gettext_lazy("使用机构"),
            lambda v: v.redeemed_facility.name if v.redeemed_facility else "",
            sort=("redeemed_facility__name",),
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.text_filter("batch", gettext_lazy("批次"), lambda qs, v: qs.filter(batch__contains=v)),
        lists.choice_filter("state", gettext_lazy("状态"), VOUCHER_STATES, apply=_voucher_state),
        lists.date_filter("issued", gettext_lazy("发放日期"), "issued_on"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _voucher_text, placeholder=gettext_lazy("婴幼儿姓名或券号")
        ),
    ),
    default_sort="-issued_on",
)


# ------------------------------------------------------------------ 托位 applications (applications.py)

_APPLICATION_STATES = tuple((s.value, s.label) for s in ApplicationState)


def _placed(a: Any) -> str:
    if a.enrolment_id is None:
        return ""
    return f"{a.enrolment.child_class.name} {a.enrolment.start_on}"


APPLICATIONS = lists.ListSpec(
    name="childcare.applications",
    title=gettext_lazy("托位申请"),
    perm="childcare.view",
    export_perm="registry.export",
    rows=lambda user: selectors.application_list(user=user),
    file_name="childcare-applications",
    row_template="childcare/_application_actions.html",
    columns=(
        lists.Column("child", gettext_lazy("幼儿"), lambda a: a.child.name, sort=("child__name",)),
        lists.Column(
            "months",
            gettext_lazy("月龄"),
            lambda a: shown_age_months(a.child.birth_date, timezone.localdate()),
        ),
        lists.Column(
            "facility", gettext_lazy("托育机构"), lambda a: a.facility.name, sort=("facility__name",)
        ),
        lists.Column(
            "child_region", gettext_lazy("幼儿所在社区"), lambda a: a.child_region_code, region=True
        ),
        lists.Column(
            "created_at",
            gettext_lazy("申请时间"),
            lambda a: lists.local_time(a.created_at),
            sort=("created_at",),
        ),
        lists.Column(
            "start_wanted", gettext_lazy("希望入托"), lambda a: a.start_wanted, sort=("start_wanted",)
        ),
        lists.Column("note", gettext_lazy("申请说明"), lambda a: a.note),
        lists.Column("state", gettext_lazy("状态"), lambda a: a.get_state_display(), sort=("state",)),
        lists.Column("placed", gettext_lazy("入托班级"), _placed),
        lists.Column("refused_reason", gettext_lazy("未录取原因"), lambda a: a.refused_reason),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", gettext_lazy("状态"), _APPLICATION_STATES),
        lists.date_filter("created", gettext_lazy("申请日期"), "created_at__date"),
        lists.text_filter(
            "q",
            gettext_lazy("幼儿或机构"),
            lambda qs, v: qs.filter(Q(child__name__contains=v) | Q(facility__name__contains=v)),
        ),
    ),
    defaults={"state": ApplicationState.SUBMITTED},
    default_sort="created_at",
)
