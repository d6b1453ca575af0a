"""Facilities' staff lists, declared for the list component (core/lists.py): the facilities, the
register of stays (床位与入住: current and past residents) and the waiting lists. Every list is read
through the facility scope (selectors.in_facility_scope): an official sees the facilities of their
regions, a facility operator's admin only its own facilities' rows; the waiting list as
waiting.entries_for reads it (a worker's elders anywhere, or the entries of the user's facilities)."""

from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import lists
from carecircle.core.types import Actor
from carecircle.facilities import selectors, waiting
from carecircle.facilities.models import (
    BED_KINDS,
    PUBLIC_KINDS,
    BedKind,
    Evaluation,
    Facility,
    FacilityKind,
    FilingStatus,
    GradeLevel,
    Stay,
    WaitingState,
)
from carecircle.registry.models import Person, PersonStatus, StatusKind
from carecircle.registry.selectors import population_q

YES_NO = (("yes", gettext_lazy("是")), ("no", gettext_lazy("否")))
UNGRADED = "none"


def _detail(facility_id: int) -> str:
    return reverse("facilities:detail", args=[facility_id])


def _facility_options(kinds: set[FacilityKind], closed: bool = False) -> list[tuple[str, str]]:
    """Filed facilities of `kinds` (and, with `closed`, closed ones), by name, as the public map
    names them; an official's or operator's list shows only its own rows whichever is chosen."""
    states = [FilingStatus.FILED, FilingStatus.CLOSED] if closed else [FilingStatus.FILED]
    filed = Facility.objects.filter(kind__in=kinds, status__in=states).order_by("name", "id")
    return [(str(pk), name) for pk, name in filed.values_list("pk", "name")]


# ------------------------------------------------------------------ facilities


def _current_grade(field: str) -> Subquery:
    """The grade in force today (selectors.current_grades: the latest graded evaluation valid now)."""
    today = timezone.localdate()
    latest = (
        Evaluation.objects.filter(
            facility=OuterRef("pk"), valid_from__lte=today, valid_to__gte=today, grade__isnull=False
        )
        .order_by("-evaluated_on", "-id")
        .values(f"grade__{field}")[:1]
    )
    return Subquery(latest)


def _facilities(user: Actor) -> QuerySet[Facility]:
    return selectors.facility_search(user=user).annotate(
        grade_label=_current_grade("label"),
        grade_rank=Coalesce(_current_grade("rank"), Value(0), output_field=IntegerField()),
        capacity=F("beds_general") + F("beds_nursing") + F("beds_cognitive") + F("childcare_places"),
    )


def _grade_options() -> list[tuple[str, str]]:
    labels = GradeLevel.objects.order_by("scheme", "-rank").values_list("label", flat=True)
    return [(label, label) for label in dict.fromkeys(labels)] + [(UNGRADED, str(_("未评定等级")))]


def _grade(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(grade_label__isnull=True) if value == UNGRADED else qs.filter(grade_label=value)


def _puhui(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(childcare_places_puhui__gt=0) if value == "yes" else qs.filter(childcare_places_puhui=0)


def _facility_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(name__contains=text) | Q(address__contains=text) | Q(operator__name__contains=text))


def _prepare_facilities(rows: list[Any]) -> None:
    """Free beds or places today, for the page's rows in a fixed number of queries."""
    free = selectors.free_places(rows, None)
    for f in rows:
        fig = free[f.pk]
        if f.beds_total:
            f.capacity_shown = _("床位 %(n)d") % {"n": f.beds_total}
            f.free_shown = _("空余床位 %(n)d") % {"n": fig["beds_free"] or 0}
        elif f.childcare_places:
            f.capacity_shown = _("托位 %(n)d（普惠 %(p)d）") % {
                "n": f.childcare_places,
                "p": f.childcare_places_puhui,
            }
            f.free_shown = _("空余托位 %(n)d") % {"n": fig["places_free"] or 0}
        else:
            f.capacity_shown = f.free_shown = ""


FACILITIES = lists.ListSpec(
    name="facilities.facilities",
    title=gettext_lazy("养老托育设施"),
    perm="facilities.view",
    rows=_facilities,
    file_name="facilities",
    prepare=_prepare_facilities,
    columns=(
        lists.Column(
            "name", gettext_lazy("名称"), lambda f: f.name, sort=("name",), link=lambda f: _detail(f.pk)
        ),
        lists.Column("kind", gettext_lazy("类型"), lambda f: f.get_kind_display(), sort=("kind", "name")),
        lists.Column(
            "region",
            gettext_lazy("所在社区"),
            lambda f: f.region_code,
            sort=("region_code", "name"),
            region=True,
        ),
        lists.Column(
            "operator", gettext_lazy("运营主体"), lambda f: f.operator.name, sort=("operator__name",)
        ),
        lists.Column("capacity", gettext_lazy("床位/托位"), lambda f: f.capacity_shown, sort=("capacity",)),
        lists.Column("free", gettext_lazy("空余"), lambda f: f.free_shown),
        lists.Column(
            "grade", gettext_lazy("等级"), lambda f: f.grade_label or _("未评定"), sort=("grade_rank", "name")
        ),
        lists.Column("state", gettext_lazy("状态"), lambda f: f.get_status_display(), sort=("status",)),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("kind", gettext_lazy("设施类型"), FacilityKind.choices),
        lists.choice_filter("grade", gettext_lazy("等级"), _grade_options, apply=_grade),
        lists.choice_filter("puhui", gettext_lazy("有普惠托位"), YES_NO, apply=_puhui),
        lists.choice_filter("state", gettext_lazy("状态"), FilingStatus.choices, lookup="status"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _facility_text, placeholder=gettext_lazy("名称、地址或运营主体")
        ),
    ),
    default_sort="region",
)


# ------------------------------------------------------------------ stays (床位与入住)


def _stays(user: Actor) -> QuerySet[Stay]:
    qs = Stay.objects.select_related("facility", "bed", "person")
    return selectors.in_facility_scope(qs, user, "facilities.view", "facility__")


STAY_STATES = (("current", gettext_lazy("在住")), ("past", gettext_lazy("已离院")))


def _stay_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    current = Q(discharged_on__isnull=True) | Q(discharged_on__gt=today)
    return qs.filter(current) if value == "current" else qs.exclude(current)


def _stay_shown(s: Stay) -> str:
    if s.discharged_on is not None and s.discharged_on <= timezone.localdate():
        return _("已离院")
    return _("在住")


def _stay_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(person__name__contains=text) | Q(bed__code__contains=text))


STAYS = lists.ListSpec(
    name="facilities.stays",
    title=gettext_lazy("床位与入住"),
    perm="facilities.view",
    rows=_stays,
    region_of=lambda s: s.person.region_code,  # the resident's community: pii.unmask over the resident
    file_name="facility-stays",
    columns=(
        lists.Column("person", gettext_lazy("姓名"), lambda s: s.person.name, sort=("person__name",)),
        lists.Column(
            "id_number",
            gettext_lazy("身份证号"),
            lambda s: s.person.id_masked,
            clear=lambda s: s.person.id_number,
        ),
        lists.Column(
            "facility",
            gettext_lazy("机构"),
            lambda s: s.facility.name,
            sort=("facility__name", "bed__code"),
            link=lambda s: _detail(s.facility_id),
        ),
        lists.Column("bed", gettext_lazy("床位号"), lambda s: s.bed.code, sort=("bed__code",)),
        lists.Column("bed_kind", gettext_lazy("床位类型"), lambda s: s.bed.get_kind_display()),
        lists.Column(
            "region",
            gettext_lazy("机构所在社区"),
            lambda s: s.region_code,
            sort=("region_code",),
            region=True,
        ),
        lists.Column("admitted_on", gettext_lazy("入住日期"), lambda s: s.admitted_on, sort=("admitted_on",)),
        lists.Column(
            "discharged_on",
            gettext_lazy("离院日期"),
            lambda s: s.discharged_on or "",
            sort=("discharged_on",),
        ),
        lists.Column("reason", gettext_lazy("离院原因"), lambda s: s.discharge_reason),
        lists.Column("state", gettext_lazy("状态"), _stay_shown),
    ),
    filters=(
        lists.choice_filter(
            "facility",
            gettext_lazy("机构"),
            lambda: _facility_options(BED_KINDS, closed=True),
            lookup="facility_id",
        ),
        lists.region_filter(label=gettext_lazy("机构所在区划")),
        lists.choice_filter("state", gettext_lazy("状态"), STAY_STATES, apply=_stay_state),
        lists.date_filter("admitted", gettext_lazy("入住日期"), "admitted_on"),
        lists.text_filter("q", gettext_lazy("搜索"), _stay_text, placeholder=gettext_lazy("姓名或床位号")),
    ),
    default_sort="-admitted_on",
)


# ------------------------------------------------------------------ waiting lists (入住轮候)

OPEN = "open"
WAITING_STATES = ((OPEN, gettext_lazy("轮候中或已通知")), *WaitingState.choices)
PRIORITY_GROUPS = (
    ("tekun", gettext_lazy("特困供养人员")),
    ("disabled", gettext_lazy("失能老年人")),
    ("severe_disability", gettext_lazy("重度残疾")),
    ("senior80", gettext_lazy("高龄老年人（80岁以上）")),
)


def _waiting_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == OPEN:
        return qs.filter(state__in=[WaitingState.WAITING, WaitingState.OFFERED])
    return qs.filter(state=value)


def _priority(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Applicants of a group the waiting rules put first (waiting.CRITERIA), as of today."""
    today = timezone.localdate()
    if value in (StatusKind.TEKUN, StatusKind.SEVERE_DISABILITY):
        held = PersonStatus.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            person=OuterRef("person_id"),
            kind=value,
            valid_from__lte=today,
        )
        return qs.filter(Exists(held))
    return qs.filter(person__in=Person.objects.filter(population_q(value, today)).values("pk"))


def _waiting_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    return qs.filter(Q(person__name__contains=text) | Q(facility__name__contains=text))


def _prepare_waiting(rows: list[Any]) -> None:
    """Each open entry's place under its facility's rule today, and why (waiting.ranked_many)."""
    places = waiting.ranked_many({e.facility for e in rows if e.state in (WaitingState.WAITING, "offered")})
    ranks = {p.entry.pk: p for found in places.values() for p in found}
    for e in rows:
        place = ranks.get(e.pk)
        e.rank_shown = place.rank if place else ""
        e.reason_shown = place.reason if place else ""


WAITING = lists.ListSpec(
    name="facilities.waiting",
    title=gettext_lazy("入住轮候"),
    perm="facilities.waiting",
    rows=lambda user: waiting.entries_for(user=user),
    region_of=lambda e: e.person_region_code,
    file_name="waiting-list",
    prepare=_prepare_waiting,
    columns=(
        lists.Column(
            "facility",
            gettext_lazy("机构"),
            lambda e: e.facility.name,
            sort=("facility__name", "applied_at"),
            link=lambda e: _detail(e.facility_id),
        ),
        lists.Column("person", gettext_lazy("姓名"), lambda e: e.person.name, sort=("person__name",)),
        lists.Column(
            "id_number",
            gettext_lazy("身份证号"),
            lambda e: e.person.id_masked,
            clear=lambda e: e.person.id_number,
        ),
        lists.Column(
            "person_region",
            gettext_lazy("老人所属社区"),
            lambda e: e.person_region_code,
            sort=("person_region_code",),
            region=True,
        ),
        lists.Column(
            "applied_at",
            gettext_lazy("登记时间"),
            lambda e: lists.local_time(e.applied_at),
            sort=("applied_at",),
        ),
        lists.Column(
            "bed_kind", gettext_lazy("所需床位"), lambda e: e.get_bed_kind_display(), sort=("bed_kind",)
        ),
        lists.Column("rank", gettext_lazy("排位"), lambda e: e.rank_shown),
        lists.Column("state", gettext_lazy("状态"), lambda e: e.get_state_display(), sort=("state",)),
        lists.Column("reason", gettext_lazy("排位依据"), lambda e: e.reason_shown),
    ),
    filters=(
        lists.choice_filter(
            "facility", gettext_lazy("机构"), lambda: _facility_options(PUBLIC_KINDS), lookup="facility_id"
        ),
        lists.region_filter("person_region_code", label=gettext_lazy("老人所属区划")),
        lists.choice_filter("priority", gettext_lazy("优先群体"), PRIORITY_GROUPS, apply=_priority),
        lists.choice_filter("state", gettext_lazy("状态"), WAITING_STATES, apply=_waiting_state),
        lists.choice_filter("bed_kind", gettext_lazy("所需床位"), BedKind.choices),
        lists.date_filter("applied", gettext_lazy("登记日期"), "applied_at__date"),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _waiting_text, placeholder=gettext_lazy("姓名或机构名称")
        ),
    ),
    defaults={"state": OPEN},
    default_sort="facility",
)
