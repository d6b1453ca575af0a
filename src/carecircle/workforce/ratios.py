"""Staffing ratios per unit, computed from the register and the roster (issue 21, 2), and their
breaches, each with a start and an end.

- A childcare class: the children enrolled on the day per caregiver on shift in that class, against
  托育机构设置标准(试行) (国卫人口发〔2019〕58号) 第十四条 — 乳儿班 1:3, 托小班 1:5, 托大班 1:7, a mixed
  class its youngest child's band (childcare/standards.py holds the figures). Counted from the staff
  actually on shift (roles in requirements.CLASS_STAFF_ROLES), minute by minute over the care hours;
  a breach is an interval of the day when fewer are on shift than the children need.
- An elder-care institution: one social worker per 60 beds (Jiaxing 二(五)14), from the register's
  employments at the unit, and certified 养老护理员 per resident by assessed care level against the
  region's rule (workforce/staffing.py: the rule is data a city fills in), day by day; a breach is
  a run of days."""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.childcare.selectors import classes_with_figures
from carecircle.workforce.models import Caregiver, Shift, WorkerRole
from carecircle.workforce.requirements import CLASS_STAFF_ROLES
from carecircle.workforce.staffing import NursingFigures

BEDS_PER_SOCIAL_WORKER = 60  # Jiaxing 二(五)14: 每60张养老机构床位配备1名社会工作者
CARE_HOURS = (datetime.time(8, 0), datetime.time(17, 0))  # a class's day when its facility states none
_HOURS = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~至到]\s*(\d{1,2})[:：](\d{2})")

SOCIAL_WORKERS = "social_workers"
NURSING = "nursing"
CLASS_RATIO = "class_ratio"
KIND_LABELS = {
    SOCIAL_WORKERS: _("社会工作者配比（每60张床位1名）"),
    NURSING: _("持证护理员配比（按评估等级）"),
    CLASS_RATIO: _("托育班级保育人员配比"),
}


@dataclass(frozen=True, slots=True)
class Breach:
    kind: str
    unit_id: int
    unit_name: str
    class_name: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    have: int
    need: int

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def care_hours(opening_hours: str) -> tuple[datetime.time, datetime.time]:
    """A facility's stated hours ("07:30-17:30"), else CARE_HOURS."""
    m = _HOURS.search(opening_hours or "")
    if m:
        a, b = datetime.time(int(m[1]) % 24, int(m[2]) % 60), datetime.time(int(m[3]) % 24, int(m[4]) % 60)
        if a < b:
            return a, b
    return CARE_HOURS


def class_breaches(child_class, day: datetime.date) -> list[Breach]:
    """The intervals of `day`'s care hours when the class has fewer caregivers on shift than its
    enrolled children need (none when no child is enrolled)."""
    return classes_breaches([child_class], day)


def classes_breaches(classes, day: datetime.date) -> list[Breach]:
    """class_breaches of many classes: their children read in one query, their shifts in one."""
    rows = classes_with_figures(classes, day)
    shifts: dict[int | None, list[tuple[datetime.time, datetime.time]]] = defaultdict(list)
    for class_id, start, end in Shift.objects.filter(
        class_id__in=[r["c"].pk for r in rows], day=day, worker__role__in=CLASS_STAFF_ROLES
    ).values_list("class_id", "start", "end"):
        shifts[class_id].append((start, end))
    return [b for r in rows for b in _short_intervals(r["c"], r["fig"], shifts[r["c"].pk], day)]


def _short_intervals(child_class, fig, shifts, day: datetime.date) -> list[Breach]:
    need = math.ceil(fig["enrolled"] / fig["ratio"]) if fig["enrolled"] else 0
    if not need:
        return []
    opens, closes = care_hours(child_class.facility.opening_hours)
    cuts = sorted({opens, closes, *(t for s in shifts for t in s if opens < t < closes)})
    out: list[Breach] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        have = sum(1 for s, e in shifts if s <= a and e >= b)
        if have >= need:
            continue
        start = datetime.datetime.combine(day, a)
        if out and out[-1].end == start and out[-1].have == have:
            out[-1] = _extend(out[-1], datetime.datetime.combine(day, b))
            continue
        out.append(
            Breach(
                CLASS_RATIO,
                child_class.facility_id,
                child_class.facility.name,
                child_class.name,
                start,
                datetime.datetime.combine(day, b),
                have,
                need,
            )
        )
    return out


def _extend(b: Breach, end: datetime.datetime | datetime.date) -> Breach:
    return Breach(b.kind, b.unit_id, b.unit_name, b.class_name, b.start, end, b.have, b.need)


def _employed(
    day: datetime.date, rows: list[tuple[int | None, str, datetime.date, datetime.date | None]]
) -> dict[tuple[int | None, str], int]:
    out: dict[tuple[int | None, str], int] = {}
    for unit, role, start, end in rows:
        if start <= day and (end is None or end >= day):
            out[(unit, role)] = out.get((unit, role), 0) + 1
    return out


def unit_breaches(
    units, first: datetime.date, last: datetime.date, not_set: list[str] | None = None
) -> list[Breach]:
    """Social-worker and nursing-staff breaches of elder-care `units` (facilities) from `first` to
    `last`, runs of days merged. One query for the employments and the stays, one per day for the
    residents' levels. Units whose residents' levels have no nursing rule get no nursing breach; a line
    naming them is added to `not_set` when given."""
    units = list(units)
    ids = [u.pk for u in units]
    rows = list(
        Caregiver.objects.filter(unit_id__in=ids, employed_from__lte=last)
        .filter(Q(employed_to__isnull=True) | Q(employed_to__gte=first))
        .filter(role=WorkerRole.SOCIAL_WORKER)
        .values_list("unit_id", "role", "employed_from", "employed_to")
    )
    nursing = NursingFigures(units, first, last)
    open_runs: dict[tuple[int, str], Breach] = {}
    out: list[Breach] = []
    day = first
    while day <= last:
        staff = _employed(day, rows)
        carers = nursing.on(day)
        for u in units:
            beds = u.beds_general + u.beds_nursing + u.beds_cognitive
            checks = [
                (
                    SOCIAL_WORKERS,
                    math.ceil(beds / BEDS_PER_SOCIAL_WORKER),
                    staff.get((u.pk, WorkerRole.SOCIAL_WORKER), 0),
                )
            ]
            have_carers, need_carers = carers.get(u.pk, (0, 0))
            if need_carers is not None:
                checks.append((NURSING, need_carers, have_carers))
            for kind, need, have in checks:
                key = (u.pk, kind)
                run = open_runs.get(key)
                if have < need:
                    if run is not None and run.have == have and run.need == need:
                        open_runs[key] = _extend(run, day)
                        continue
                    if run is not None:
                        out.append(run)
                    open_runs[key] = Breach(kind, u.pk, u.name, "", day, day, have, need)
                elif run is not None:
                    out.append(open_runs.pop(key))
        day += datetime.timedelta(days=1)
    out.extend(open_runs.values())
    if not_set is not None:
        not_set.extend(nursing.not_set_messages())
    return sorted(out, key=lambda b: (b.unit_name, b.kind, str(b.start)))
