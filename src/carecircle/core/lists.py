"""One list component for every staff list (docs/architecture.md, "Staff lists").

A module declares a list once, as a `ListSpec` in its `list_specs.py`: the scoped queryset from a
selector, the columns (a Chinese label, how to get the shown value — names, never codes — an
optional sort, whether the column is personal data), the filters that fit the list and the default
order. Its view is then one line, `lists.page(request, SPEC)`, which gives:

- the total ("共 N 条"), page numbers, sorting by a column header, a filters form;
- a bad `sort`, `page` or filter value refused with 422 and a Chinese message naming the parameter
  (never a 500, never silently ignored);
- "导出Excel" (a POST with a purpose): exactly the filtered and sorted set, every row, with names;
  synchronous up to `CARECIRCLE_EXPORT_SYNC_ROWS`, above it a background job with a progress page
  (core/list_export.py). Every export is an audit row (`AuditAction.LIST_EXPORT`: who, which list,
  the filter, the row count, the purpose). Personal-data columns are masked as on the pages unless
  the user holds `pii.unmask` over the row's region and asked for clear values with a purpose.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import regions, scope
from carecircle.core.errors import Forbidden, InvalidInput
from carecircle.core.models import Region
from carecircle.core.tables import parse_date
from carecircle.core.templatetags.carecircle_format import money
from carecircle.core.types import Actor
from carecircle.core.vault import blind_index

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    Label = str | _StrPromise
else:
    Label = str

_specs: dict[str, ListSpec] = {}

TEXT, CHOICE, REGION, DATES = "text", "choice", "region", "dates"
HIDDEN = "hidden"  # checked and applied as text, carried in the form unseen (the batch of its lines)
RESERVED = frozenset({"sort", "page"})


@dataclass(frozen=True)
class Column:
    """One column. `value(row)` is what a page and a masked export show (a name, a label, a masked
    number); `clear(row)`, when given, makes the column personal data: its value in clear, for an
    export by a user with `pii.unmask` who gave a purpose. `region=True`: `value` gives a region
    code, shown as the region's name. `sort`: the ORM fields the column sorts by (none: not
    sortable). `link(row)`: the URL the cell links to on pages; `page_only`: an action link, not
    in the export. `money`: `value` gives a Decimal (or None), shown on pages as ¥1,234.00 (the
    `money` filter of core/templatetags/carecircle_format.py) and exported as a number."""

    key: str
    label: Label
    value: Callable[[Any], object]
    sort: tuple[str, ...] = ()
    clear: Callable[[Any], object] | None = None
    region: bool = False
    link: Callable[[Any], str] | None = None
    page_only: bool = False
    money: bool = False

    @property
    def pii(self) -> bool:
        return self.clear is not None


@dataclass(frozen=True)
class Filter:
    """One filter. Kinds: `text` (free text), `choice` (one of `choices`), `region` (a region code
    inside the user's scope, applied as a prefix), `dates` (two parameters, `<key>_from` and
    `<key>_to`), `hidden` (text the page carries unseen: the batch whose lines a batch's page lists).
    `apply(qs, value)` narrows the queryset: the text, the choice's value, the
    region's prefix, or a (from, to) pair of dates either of which may be None."""

    key: str
    label: Label
    kind: str
    apply: Callable[[QuerySet[Any], Any], QuerySet[Any]]
    choices: Sequence[tuple[str, Label]] | Callable[[], Sequence[tuple[str, Label]]] = ()
    placeholder: Label = ""

    def options(self) -> list[tuple[str, str]]:
        found = self.choices() if callable(self.choices) else self.choices
        return [(str(v), str(label)) for v, label in found]

    def params(self) -> tuple[str, ...]:
        return (f"{self.key}_from", f"{self.key}_to") if self.kind == DATES else (self.key,)


def text_filter(
    key: str, label: Label, apply: Callable[[QuerySet[Any], str], QuerySet[Any]], placeholder: Label = ""
) -> Filter:
    return Filter(key, label, TEXT, apply, placeholder=placeholder)


def choice_filter(
    key: str,
    label: Label,
    choices: Sequence[tuple[str, Label]] | Callable[[], Sequence[tuple[str, Label]]],
    lookup: str = "",
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None,
) -> Filter:
    """A choice among `choices`; applied as `lookup=value` unless `apply` is given."""
    return Filter(key, label, CHOICE, apply or (lambda qs, v: qs.filter(**{lookup or key: v})), choices)


def region_filter(
    lookup: str = "region_code", key: str = "region", label: Label = gettext_lazy("区划")
) -> Filter:
    return Filter(key, label, REGION, lambda qs, prefix: qs.filter(**{f"{lookup}__startswith": prefix}))


def date_filter(key: str, label: Label, lookup: str) -> Filter:
    """A date range on `lookup` (a DateField, or `at__date` for a DateTimeField), both ends included."""

    def apply(qs: QuerySet[Any], bounds: tuple[datetime.date | None, datetime.date | None]) -> QuerySet[Any]:
        low, high = bounds
        if low:
            qs = qs.filter(**{f"{lookup}__gte": low})
        if high:
            qs = qs.filter(**{f"{lookup}__lte": high})
        return qs

    return Filter(key, label, DATES, apply)


def person_text(person: str = "") -> Callable[[QuerySet[Any], str], QuerySet[Any]]:
    """A text filter on a person: a name (or part of one), or a whole ID number through the blind
    index — a part of a number would tell the hidden digits one query at a time (core/vault.py).
    `person` is the path to the person from the row ("person", "child"; "" for a Person row)."""
    prefix = f"{person}__" if person else ""

    def apply(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
        if len(text) == 18 and text[:17].isdigit():
            return qs.filter(**{f"{prefix}id_hash": blind_index(text.upper())})
        if text.isdigit():
            return qs.none()
        return qs.filter(**{f"{prefix}name__contains": text})

    return apply


def local_time(at: datetime.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as a list shows it: local time, to the minute ("" when none)."""
    return timezone.localtime(at).strftime(fmt) if at else ""


def _region_of(row: Any) -> str:
    return str(getattr(row, "region_code", "") or "")


@dataclass(frozen=True)
class ListSpec:
    """A staff list. `name` ("registry.people") names it in the audit trail and in export jobs;
    `rows(user)` is the scoped queryset (a selector: scope.in_scope inside); `perm` the permission
    the list needs (its region filter offers the regions where the user holds it); `default_sort`
    a column key ("-" for descending); `prepare(rows)` batch-loads what the values of one page or
    export chunk need; `region_of(row)` the row's region, for `pii.unmask`; `export_perm` the
    permission an export needs (default: `perm`); `access(user)` who may open the list when not
    only the holders of `perm` (a provider admin sees their own organisation's caregivers);
    `defaults` the filter values of a first visit (a parameter sent empty means "all");
    `row_template` a template for a last cell of each row on pages (its actions: a form per row),
    given `obj` (the row) and `extra` (what the view's `row_extra(obj)` gave)."""

    name: str
    title: Label
    perm: str
    rows: Callable[[Actor], QuerySet[Any]]
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    default_sort: str = ""
    page_size: int = 30
    prepare: Callable[[list[Any]], None] | None = None
    region_of: Callable[[Any], str] = _region_of
    file_name: str = ""
    pk: str = "pk"
    export_perm: str = ""
    access: Callable[[Actor], bool] | None = None
    defaults: Mapping[str, str] | None = None
    row_template: str = ""

    def __post_init__(self) -> None:
        _specs[self.name] = self

    def require(self, user: Actor, *, export: bool = False) -> None:
        """Refuse (403) a user who may not open the list, or export it."""
        if not self.permits(user, export=export):
            raise Forbidden()

    def permits(self, user: Actor, *, export: bool = False) -> bool:
        if export and self.export_perm and not scope.has_perm(user, self.export_perm):
            return False
        return self.access(user) if self.access is not None else scope.has_perm(user, self.perm)

    @property
    def has_pii(self) -> bool:
        return any(c.pii for c in self.columns)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def spec_named(name: str) -> ListSpec:
    """A spec by name, loading every module's list_specs.py and its parts' `*list_specs*.py`
    (oversight's list_specs_credit.py, careathome's ltc_list_specs.py, …) first, for a background
    export: a list declared in any of them is found whichever file declares it."""
    if name not in _specs:
        from carecircle.core import plugins  # noqa: PLC0415 — plugins imports settings-dependent modules

        plugins.optional_submodules("list_specs")
        for module in plugins.module_names():
            folder = Path(__file__).resolve().parent.parent / module
            for path in sorted(folder.glob("*list_specs*.py")):
                import_module(f"carecircle.{module}.{path.stem}")
    return _specs[name]


@dataclass(frozen=True)
class ListQuery:
    """What a request asked of a list, checked: the filter parameters as given (non-empty ones) and
    the sort ("" for the default)."""

    params: dict[str, str]
    sort: str
    empty: dict[str, str] = field(default_factory=dict)

    def querystring(self, **changes: str) -> str:
        """The query string of this list with `changes` (an empty value drops the parameter; an
        empty filter stays, as "all", over a spec's default)."""
        merged = {**self.empty, **self.params, **({"sort": self.sort} if self.sort else {}), **changes}
        return urlencode({k: v for k, v in merged.items() if v or k in self.empty})

    def described(self, spec: ListSpec) -> dict[str, str]:
        """The filter and sort in words, for the audit row: {"年龄段": "高龄(80+)", "区划": "文新街道
        （339901001000）", "排序": "姓名 降序"}."""
        out: dict[str, str] = {}
        for f in spec.filters:
            for p in f.params():
                if p not in self.params:
                    continue
                value = self.params[p]
                if f.kind == CHOICE:
                    value = dict(f.options()).get(value, value)
                elif f.kind == REGION:
                    value = f"{region_names([value]).get(value, '')}（{value}）"
                suffix = {"_from": _("起"), "_to": _("止")}.get(p[len(f.key) :], "")
                out[f"{f.label}{suffix}"] = value
        column = spec.column(self.sort.removeprefix("-")) if self.sort else None
        if column is not None:
            out[_("排序")] = f"{column.label} {_('降序') if self.sort.startswith('-') else _('升序')}"
        return out


def _refuse(name: str, label: Label, message: str) -> InvalidInput:
    return InvalidInput(
        _("参数 %(p)s（%(l)s）无效：%(m)s") % {"p": name, "l": label, "m": message}, field=name
    )


REGION_OPTIONS = 400


def region_options(user: Actor, perm: str, chosen: str = "") -> list[tuple[str, str]]:
    """The regions a region filter offers: those of the user's grants and everything below them,
    down to the community when they are at most REGION_OPTIONS, else down to the street; the
    region chosen (from a link, or typed in the address) is offered too."""
    if not scope.prefixes(user, perm):
        return []
    scoped = scope.in_scope(Region.objects.all(), user, perm, field="code").order_by("code")
    found = list(scoped.values_list("code", "name", "level")[: REGION_OPTIONS + 1])
    if len(found) > REGION_OPTIONS:
        found = list(scoped.filter(level__lte=regions.STREET).values_list("code", "name", "level")[:500])
    top = min((lvl for _c, _n, lvl in found), default=0)
    options = [(code, "\u3000" * (lvl - top) + name) for code, name, lvl in found]
    if chosen and regions.is_valid_code(chosen) and chosen not in {c for c, _n in options}:
        options.append((chosen, region_names([chosen])[chosen]))
    return options


def parse(spec: ListSpec, user: Actor, params: Mapping[str, str]) -> tuple[QuerySet[Any], ListQuery]:
    """The filtered, sorted queryset and the checked query; a bad value raises InvalidInput (422)."""
    qs = spec.rows(user)
    given: dict[str, str] = {}
    for f in spec.filters:
        if f.kind == DATES:
            bounds: list[datetime.date | None] = []
            for p in f.params():
                raw = (params.get(p) or "").strip()
                if not raw:
                    bounds.append(None)
                    continue
                try:
                    bounds.append(parse_date(raw, p))
                except InvalidInput:
                    raise _refuse(p, f.label, _("日期应写作 2026-01-01")) from None
                given[p] = raw
            if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
                raise _refuse(f"{f.key}_from", f.label, _("开始日期晚于结束日期"))
            if any(bounds):
                qs = f.apply(qs, (bounds[0], bounds[1]))
            continue
        sent = params.get(f.key)
        raw = (sent if sent is not None else (spec.defaults or {}).get(f.key, "")).strip()
        if not raw:
            continue
        if f.kind == CHOICE:
            if raw not in dict(f.options()):
                raise _refuse(f.key, f.label, _("“%(v)s”不是可选的值") % {"v": raw[:40]})
            qs = f.apply(qs, raw)
        elif f.kind == REGION:
            if not regions.is_valid_code(raw):
                raise _refuse(f.key, f.label, _("区划代码应为12位数字"))
            if not scope.has_perm(user, spec.perm, raw) and not any(
                p.startswith(regions.prefix_of(raw)) for p in scope.prefixes(user, spec.perm)
            ):
                raise _refuse(f.key, f.label, _("不在您的管辖范围内"))
            qs = f.apply(qs, regions.prefix_of(raw))
        else:
            if len(raw) > 100:
                raise _refuse(f.key, f.label, _("不能超过100个字"))
            qs = f.apply(qs, raw)
        given[f.key] = raw
    sort = (params.get("sort") or "").strip()
    key = sort.removeprefix("-")
    order = sort or spec.default_sort
    if sort:
        column = spec.column(key)
        if column is None or not column.sort:
            sortable = "、".join(str(c.label) for c in spec.columns if c.sort)
            raise _refuse(
                "sort", _("排序"), _("不能按“%(v)s”排序，可排序的列：%(c)s") % {"v": sort[:40], "c": sortable}
            )
    if order:
        column = spec.column(order.removeprefix("-"))
        if column is not None and column.sort:
            desc = order.startswith("-")
            fields = [_flip(s) if desc else s for s in column.sort]
            qs = qs.order_by(*fields, ("-" if desc else "") + spec.pk)
    empty = {k: "" for k in (spec.defaults or {}) if k not in given}
    return qs, ListQuery(given, sort, empty)


def _flip(order: str) -> str:
    return order[1:] if order.startswith("-") else "-" + order


def page_number(raw: str | None, pages: int) -> int:
    if raw in (None, ""):
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise _refuse("page", _("页码"), _("应为正整数"))
    return min(int(raw), max(pages, 1))


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """Each code's name as a list shows it: the community with its street ("西湖街道 翠苑社区")."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    parents = {regions.parent_code_of(c) for c in wanted if regions.level_of(c) == regions.COMMUNITY}
    found = dict(
        Region.objects.filter(code__in=wanted | {p for p in parents if p}).values_list("code", "name")
    )
    out: dict[str, str] = {}
    for c in wanted:
        name = found.get(c)
        if name is None:
            out[c] = _("未知区划")
            continue
        parent = regions.parent_code_of(c) if regions.level_of(c) == regions.COMMUNITY else None
        out[c] = f"{found[parent]} {name}" if parent and parent in found else name
    return out


def cells(
    spec: ListSpec, rows: list[Any], *, clear: Callable[[Any], bool] | None = None, export: bool = False
) -> list[list[object]]:
    """The values of `rows`, column by column, as a page or an export shows them: regions as names,
    personal data masked unless `clear(row)` says this row may be shown in clear."""
    if spec.prepare:
        spec.prepare(rows)
    names = region_names(str(c.value(r) or "") for c in spec.columns if c.region for r in rows)
    out = []
    for r in rows:
        shown_clear = clear is not None and clear(r)
        line: list[object] = []
        for c in spec.columns:
            if export and c.page_only:
                continue
            if c.region:
                code = str(c.value(r) or "")
                line.append(names.get(code, "") if code else "")
            elif c.clear is not None and shown_clear:
                line.append(c.clear(r))
            elif c.money and not export:
                value = c.value(r)
                line.append("" if value is None else money(value))
            else:
                line.append(c.value(r))
        out.append([str(v) if isinstance(v, Promise) else v for v in line])
    return out
