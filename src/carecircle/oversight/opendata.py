"""Public disclosure (一公开, issue 20 item 8): what anyone may read about the supervised units —
credit grade, suspension, inspection results (items failed, findings and their rectification
state), administrative penalties — and the published draws, as pages and open data (CSV, GeoJSON).

Seeds: Qujing 四(三) (依法公布备案、监管、处罚信息), Qujing 三(二)5 ("双随机、一公开"), Hangzhou 四(五)
(信用体系). No personal data: the units are organisations; of a finding only its checklist item, its
severity, deadline and state are public (never the inspector's note, which may name a person); of a
draw only the inspectors' names (as the draw pages publish them); no resident, no phone, no ID number.

Every read is an aggregate in SQL (one query for a page of units or for the whole file)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from carecircle.core import exports, region_pick, regions
from carecircle.oversight.models import (
    DrawAssignment,
    DrawnUnit,
    Finding,
    FindingState,
    Grade,
    Inspection,
    InspectionState,
    ItemResult,
    Outcome,
    Penalty,
    Severity,
    Unit,
    UnitKind,
)


def _count(qs: QuerySet[Any]) -> Coalesce:
    """The number of `qs`'s rows of the outer unit (a correlated subquery: no join multiplies rows)."""
    return Coalesce(
        Subquery(
            qs.filter(unit=OuterRef("pk")).order_by().values("unit").annotate(n=Count("pk")).values("n")[:1]
        ),
        Value(0),
        output_field=IntegerField(),
    )


def _hazards() -> QuerySet[Finding]:
    return Finding.objects.filter(severity=Severity.HAZARD).exclude(state=FindingState.CLOSED)


def units(*, region: str = "", grade: str = "", kind: str = "", q: str = "") -> QuerySet[Unit]:
    """The units under supervision with their public figures, filtered (a bad filter value is
    refused by the caller's form, never here)."""
    confirmed = Inspection.objects.filter(state=InspectionState.CONFIRMED)
    rows = Unit.objects.filter(active=True)
    if region:
        rows = rows.filter(region_code__startswith=regions.prefix_of(region))
    if grade:
        rows = rows.filter(credit_grade=grade)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(name__contains=q)
    fines = (
        Penalty.objects.filter(unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(s=Sum("fine"))
        .values("s")
    )
    return rows.annotate(
        inspections_done=_count(confirmed),
        items_failed=Coalesce(
            Subquery(
                ItemResult.objects.filter(
                    inspection__unit=OuterRef("pk"),
                    inspection__state=InspectionState.CONFIRMED,
                    outcome=Outcome.FAIL,
                )
                .order_by()
                .values("inspection__unit")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            Value(0),
            output_field=IntegerField(),
        ),
        findings_open=_count(Finding.objects.exclude(state=FindingState.CLOSED)),
        findings_closed=_count(Finding.objects.filter(state=FindingState.CLOSED)),
        penalties_n=_count(Penalty.objects.all()),
        fines=Coalesce(
            Subquery(fines[:1]), Value(Decimal(0)), output_field=DecimalField(max_digits=14, decimal_places=2)
        ),
        suspended=Exists(_hazards().filter(unit=OuterRef("pk"))),
        score=F("credit_score__score"),  # one-to-one: a left join that multiplies nothing
    ).order_by("region_code", "name", "pk")


@dataclass(frozen=True, slots=True)
class Places:
    """The names of a community code's district, street and community."""

    district: str
    street: str
    community: str


def places(codes: Iterable[str]) -> dict[str, Places]:
    """Each code's district, street and community names, in one query."""
    wanted = set(codes)
    above: set[str] = set()
    for code in wanted:
        above.update(regions.chain(code))
    names = region_pick.names_of(above)
    out: dict[str, Places] = {}
    for code in wanted:
        by_level = {regions.level_of(c): names.get(c, "") for c in regions.chain(code)}
        out[code] = Places(
            by_level.get(regions.DISTRICT, ""),
            by_level.get(regions.STREET, ""),
            by_level.get(regions.COMMUNITY, ""),
        )
    return out


def _kinds() -> dict[str, str]:
    return {str(v): str(label) for v, label in UnitKind.choices}


def _yes(flag: bool) -> str:
    return _("是") if flag else _("否")


UNIT_HEADERS = (
    ("id", "编号"),
    ("name", "名称"),
    ("kind", "类别"),
    ("district", "区县"),
    ("street", "街道乡镇"),
    ("community", "社区村"),
    ("region_code", "区划代码"),
    ("credit_grade", "信用等级"),
    ("credit_score", "信用分"),
    ("suspended", "因重大隐患暂停"),
    ("last_inspected_on", "最近检查日期"),
    ("inspections", "已完成检查次数"),
    ("items_failed", "不合格检查项"),
    ("findings_open", "未完成整改"),
    ("findings_closed", "已完成整改"),
    ("penalties", "行政处罚次数"),
    ("fines", "罚款合计（元）"),
    ("longitude", "经度"),
    ("latitude", "纬度"),
)


def unit_record(u: Any, place: Places, kinds: dict[str, str]) -> dict[str, Any]:
    """One unit's public record (the CSV row and the GeoJSON feature's properties)."""
    return {
        "id": u.pk,
        "name": u.name,
        "kind": kinds.get(u.kind, u.kind),
        "district": place.district,
        "street": place.street,
        "community": place.community,
        "region_code": u.region_code,
        "credit_grade": u.credit_grade,
        "credit_score": str(u.score) if u.score is not None else "",
        "suspended": bool(u.suspended),
        "last_inspected_on": u.last_inspected_on.isoformat() if u.last_inspected_on else "",
        "inspections": u.inspections_done,
        "items_failed": u.items_failed,
        "findings_open": u.findings_open,
        "findings_closed": u.findings_closed,
        "penalties": u.penalties_n,
        "fines": str(u.fines),
        "longitude": round(u.longitude, 6) if u.longitude is not None else "",
        "latitude": round(u.latitude, 6) if u.latitude is not None else "",
    }


def unit_records(rows: QuerySet[Unit]) -> Iterator[dict[str, Any]]:
    """The records of `rows` (read in chunks: the region names looked up once per chunk)."""
    kinds = _kinds()
    chunk: list[Any] = []
    for u in rows.iterator(chunk_size=2000):
        chunk.append(u)
        if len(chunk) == 2000:
            yield from _flush(chunk, kinds)
            chunk = []
    yield from _flush(chunk, kinds)


def _flush(chunk: list[Any], kinds: dict[str, str]) -> Iterator[dict[str, Any]]:
    named = places({u.region_code for u in chunk})
    for u in chunk:
        yield unit_record(u, named[u.region_code], kinds)


def csv_bytes(headers: tuple[tuple[str, str], ...], records: Iterable[dict[str, Any]]) -> bytes:
    """A CSV file (UTF-8 with BOM, so that spreadsheet programs read the Chinese): a header line of
    the columns' Chinese names, then a line per record; flags as 是/否."""
    rows = (
        [_yes(r[k]) if isinstance(r[k], bool) else r[k] for k, _label in headers] for r in records
    )  # through core.exports: a unit's name that starts like a formula stays text in a spreadsheet
    return exports.csv_bytes([[label for _key, label in headers], *rows])


def geojson(rows: QuerySet[Unit]) -> dict[str, Any]:
    """The units with a position as a GeoJSON FeatureCollection (RFC 7946: longitude, latitude)."""
    features = [
        {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
            "properties": r,
        }
        for r in unit_records(rows.exclude(latitude=None).exclude(longitude=None))
    ]
    return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------ results, penalties, draws


RESULT_HEADERS = (
    ("inspection", "检查编号"),
    ("unit_id", "单位编号"),
    ("unit", "单位名称"),
    ("region_code", "区划代码"),
    ("plan", "抽查计划"),
    ("confirmed_on", "检查确认日期"),
    ("items_checked", "检查项数"),
    ("items_failed", "不合格项数"),
    ("failed_items", "不合格事项"),
    ("findings_open", "待整改"),
    ("findings_answered", "已提交整改待验收"),
    ("findings_closed", "整改完成"),
)


def results(*, unit: Unit | None = None) -> list[dict[str, Any]]:
    """Each confirmed inspection's public result: its items failed (by title) and the state of its
    findings — three queries whatever the number of inspections."""
    rows = Inspection.objects.filter(state=InspectionState.CONFIRMED)
    if unit is not None:
        rows = rows.filter(unit=unit)
    found = list(
        rows.annotate(
            checked=Count("results", filter=~Q(results__outcome=Outcome.NA)),
            failed=Count("results", filter=Q(results__outcome=Outcome.FAIL)),
        )
        .order_by("-confirmed_at", "-pk")
        .values(
            "pk",
            "unit_id",
            "unit__name",
            "region_code",
            "drawn__plan__name",
            "confirmed_at",
            "checked",
            "failed",
        )
    )
    ids = [r["pk"] for r in found]
    titles: dict[int, list[str]] = {}
    for inspection, title in (
        ItemResult.objects.filter(inspection_id__in=ids, outcome=Outcome.FAIL)
        .order_by("inspection_id", "item__order", "item__code")
        .values_list("inspection_id", "item__title")
    ):
        titles.setdefault(inspection, []).append(title)
    states: dict[int, dict[str, int]] = {}
    for inspection, state, n in (
        Finding.objects.filter(inspection_id__in=ids)
        .order_by()
        .values_list("inspection_id", "state")
        .annotate(n=Count("pk"))
    ):
        states.setdefault(inspection, {})[state] = n
    return [
        {
            "inspection": r["pk"],
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "region_code": r["region_code"],
            "plan": r["drawn__plan__name"],
            "confirmed_on": r["confirmed_at"].date().isoformat() if r["confirmed_at"] else "",
            "items_checked": r["checked"],
            "items_failed": r["failed"],
            "failed_items": "；".join(titles.get(r["pk"], [])),
            "findings_open": states.get(r["pk"], {}).get(FindingState.OPEN, 0),
            "findings_answered": states.get(r["pk"], {}).get(FindingState.ANSWERED, 0),
            "findings_closed": states.get(r["pk"], {}).get(FindingState.CLOSED, 0),
        }
        for r in found
    ]


def findings_of(unit: Unit) -> QuerySet[Finding]:
    """A unit's findings as the public sees them (the item, severity, deadline and state only)."""
    return (
        Finding.objects.filter(unit=unit)
        .select_related("item")
        .only("item__title", "severity", "deadline", "state", "issued_at", "closed_at", "inspection_id")
        .order_by("-issued_at", "-pk")
    )


PENALTY_HEADERS = (
    ("decision_no", "处罚决定书文号"),
    ("unit_id", "单位编号"),
    ("unit", "单位名称"),
    ("region_code", "区划代码"),
    ("decided_on", "处罚日期"),
    ("authority", "处罚机关"),
    ("fine", "罚款金额（元）"),
    ("text", "违法事实及处罚内容"),
)


def penalties(*, unit: Unit | None = None) -> list[dict[str, Any]]:
    """Administrative penalties (行政处罚), published by law with the decision's number and content;
    never who entered them."""
    rows = Penalty.objects.all() if unit is None else Penalty.objects.filter(unit=unit)
    return [
        {
            "decision_no": r["decision_no"],
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "region_code": r["region_code"],
            "decided_on": r["decided_on"].isoformat(),
            "authority": r["authority"],
            "fine": str(r["fine"]),
            "text": r["text"],
        }
        for r in rows.order_by("-decided_on", "-pk").values(
            "decision_no", "unit_id", "unit__name", "region_code", "decided_on", "authority", "fine", "text"
        )
    ]


DRAW_HEADERS = (
    ("plan_id", "计划编号"),
    ("plan", "计划名称"),
    ("region_code", "计划区域代码"),
    ("period", "检查期间"),
    ("seed", "随机种子"),
    ("inputs_digest", "输入摘要 SHA-256"),
    ("unit_id", "单位编号"),
    ("unit", "抽中单位"),
    ("reason", "抽中原因"),
    ("inspectors", "检查人员"),
)


def draws() -> list[dict[str, Any]]:
    """Every drawn unit of every plan with its inspectors' names (two queries)."""
    reasons = {
        "never": _("从未检查，必抽"),
        "overdue": _("超期未检查，必抽"),
        "share": _("按信用等级抽查比例随机抽中"),
    }
    names: dict[int, list[str]] = {}
    for drawn, display, username in DrawAssignment.objects.order_by("drawn_id", "rank").values_list(
        "drawn_id", "inspector__display_name", "inspector__username"
    ):
        names.setdefault(drawn, []).append(display or username)
    rows = DrawnUnit.objects.order_by(
        "-plan__published_at", "plan_id", "unit__region_code", "unit__name"
    ).values(
        "pk",
        "plan_id",
        "plan__name",
        "plan__region_code",
        "plan__period_start",
        "plan__period_end",
        "plan__seed",
        "plan__inputs_digest",
        "unit_id",
        "unit__name",
        "reason",
    )
    return [
        {
            "plan_id": r["plan_id"],
            "plan": r["plan__name"],
            "region_code": r["plan__region_code"],
            "period": f"{r['plan__period_start']}—{r['plan__period_end']}",
            "seed": r["plan__seed"],
            "inputs_digest": r["plan__inputs_digest"],
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "reason": reasons.get(r["reason"], r["reason"]),
            "inspectors": "、".join(names.get(r["pk"], [])),
        }
        for r in rows
    ]


def grade_counts() -> list[tuple[str, int]]:
    """(grade, units) of the units under supervision (one grouped query)."""
    rows = Unit.objects.filter(active=True).order_by().values_list("credit_grade").annotate(n=Count("pk"))
    return [(g, n) for g, n in rows]


def suspended_count() -> int:
    return Unit.objects.filter(active=True).filter(Exists(_hazards().filter(unit=OuterRef("pk")))).count()


def grade_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in Grade.choices]


def today_stamp(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")
