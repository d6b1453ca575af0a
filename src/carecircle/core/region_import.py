"""Import of a region table (CSV or .xlsx): 区划代码, 名称, optional 纬度, 经度, 边界 (GeoJSON), 城乡分类代码.

Rows are applied parents first (sorted by level), so a file may list them in any order. Every bad
row is reported with its number and reason; the good ones are kept. Each row is written through
`core.services.region_upsert`, which checks it against the importer's scope and audits it; re-importing
rewrites only the rows that differ."""

import json
from pathlib import Path
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.core import audit, regions, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import DomainError, Forbidden, InvalidInput
from carecircle.core.services import region_upsert
from carecircle.core.tables import Cell, FileRejected, check_row_width, open_table
from carecircle.core.types import Actor

COLUMNS = {
    "区划代码": "code",
    "名称": "name",
    "纬度": "latitude",
    "经度": "longitude",
    "边界": "boundary",
    "城乡分类代码": "urban_rural",
}


class Rejection(TypedDict):
    row: int
    field: str
    reason: str


class RegionImportResult(TypedDict):
    created: int
    updated: int
    unchanged: int
    rejected: list[Rejection]


def _float(value: Cell, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("不是数字：%(v)s") % {"v": value}, field=field) from None


def _boundary(value: Cell) -> dict[str, Any] | None:
    if value in (None, ""):
        return None
    try:
        geo = json.loads(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("边界不是有效的 GeoJSON"), field="边界") from None
    if not isinstance(geo, dict) or geo.get("type") not in ("Polygon", "MultiPolygon", "Feature"):
        raise InvalidInput(_("边界应为 Polygon 或 MultiPolygon"), field="边界")
    return geo


FIELD_LABELS = {
    "code": "区划代码",
    "name": "名称",
    "latitude": "纬度",
    "longitude": "经度",
    "boundary": "边界",
    "urban_rural": "城乡分类代码",
}


def _code_text(value: Cell) -> str:
    """A code cell as text: a spreadsheet gives 220 as a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def region_import(path: Path, *, actor: Actor) -> RegionImportResult:
    """Apply a region table as `actor` (None: the system, e.g. an operator's CLI run). A user's rows
    outside their `region.manage` scope are refused one by one with the reason; the others are kept."""
    headers, rows, _total = open_table(path)
    if actor is not None and not scope.has_perm(actor, "region.manage"):
        raise Forbidden()
    missing = [c for c in ("区划代码", "名称") if c not in headers]
    if missing:
        raise FileRejected(_("缺少必填列：%(c)s") % {"c": "、".join(missing)})
    fields = [COLUMNS.get(h, "") for h in headers]
    parsed: list[tuple[int, int, str, dict[str, Cell]]] = []
    rejected: list[Rejection] = []
    for number, values in rows:
        try:
            check_row_width(headers, values)
        except InvalidInput as exc:
            rejected.append({"row": number, "field": str(exc.field), "reason": str(exc.message)})
            continue
        rec = {f: values[i] if i < len(values) else None for i, f in enumerate(fields) if f}
        code = str(rec.get("code") or "").strip()
        if code.isdigit() and len(code) < 12:
            code = code.ljust(12, "0")  # "330106" is read as the district's full code
        if not regions.is_valid_code(code):
            rejected.append(
                {"row": number, "field": "区划代码", "reason": _("区划代码应为12位数字：%(c)s") % {"c": code}}
            )
            continue
        parsed.append((regions.level_of(code), number, code, rec))
    created = updated = unchanged = 0
    written: list[str] = []
    for _level, number, code, rec in sorted(parsed):
        try:
            with transaction.atomic():
                write = region_upsert(
                    actor=actor,
                    code=code,
                    name=str(rec.get("name") or ""),
                    latitude=_float(rec.get("latitude"), "纬度"),
                    longitude=_float(rec.get("longitude"), "经度"),
                    boundary=_boundary(rec.get("boundary")),
                    urban_rural=_code_text(rec.get("urban_rural")) if "urban_rural" in rec else None,
                )
        except DomainError as exc:
            field = FIELD_LABELS.get(exc.field or "", exc.field or "")
            rejected.append({"row": number, "field": field, "reason": str(exc.message)})
            continue
        created += write.created
        updated += write.changed and not write.created
        unchanged += not write.changed
        if write.changed:
            written.append(code)
    if written:
        audit.record(
            actor=actor,
            action=AuditAction.REGION_IMPORT,
            object_type="core.region",
            object_id=path.name[:64],
            region_code=regions.common_ancestor(written),
            created=created,
            updated=updated,
            rejected=len(rejected),
        )
    return {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "rejected": sorted(rejected, key=lambda r: r["row"]),
    }
