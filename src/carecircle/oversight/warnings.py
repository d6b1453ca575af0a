"""Early warnings (预警, issue 20 item 6): the signals and the rules over them.

Signals are computed set-based from what the platform already holds, each through the owning
module's selectors (one grouped query per source, never a query per subject):
- every supervised unit: months since its last inspection (oversight's own Unit);
- a home-care provider: visits checked in, visit exceptions (less those accepted as explained) and
  complaints over the last WINDOW_DAYS days (`homecare.selectors.warning_signals`), and its
  caregivers' certificates ending within WINDOW_DAYS days
  (`workforce.selectors.certificates_expiring_by_organisation`);
- a facility: beds taken today and POPULATION_LAG_DAYS ago (`facilities.selectors.occupied_beds`);
- a community: care-visit plans overdue (`carevisits.selectors.overdue_by_community`), and benefit
  payments of the last PAID_MONTHS months to people the registry records as dead
  (`benefits.selectors.paid_after_death`), and alarms nobody acknowledged within UNANSWERED_MINUTES
  (`alarms.selectors.unanswered_by_community`).
Every variable exists for every subject of its kind (0 where it does not apply), so a rule never
meets an undeclared name.

Rules are CEL, the language of the benefits rules, parsed and run by the same library (cel-python,
`celpy`): `check(expression, kind)` refuses text that does not parse, names an unknown variable or
does not answer true/false, in Chinese, naming the form field. `matches(rule, subjects)` evaluates a
rule once per distinct combination of the variables it reads (most units share them), so all rules
over the full city stay a few thousand evaluations.

Not here: prepaid fees (预收费) — no module records them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import celpy
from celpy import celtypes
from celpy.celparser import CELParseError
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from lark import Token

from carecircle.core.errors import InvalidInput
from carecircle.core.region_pick import names_of
from carecircle.oversight.models import SubjectKind, Unit, UnitKind

if TYPE_CHECKING:
    from collections.abc import Iterable

WINDOW_DAYS = 30
POPULATION_LAG_DAYS = 90
PAID_MONTHS = 3
UNANSWERED_MINUTES = 15
INT, DOUBLE, BOOL, STR = "int", "double", "bool", "string"

# fmt: off
# name: (type, label) — the variables a rule of each subject kind may read
UNIT_SIGNALS: dict[str, tuple[str, str]] = {
    "kind":                    (STR,    "类别（facility / childcare / homecare）"),
    "never_inspected":         (BOOL,   "从未检查"),
    "months_since_inspection": (INT,    "距最近一次检查的月数"),
    "visits":                  (INT,    "近30天上门服务次数"),
    "visit_exceptions":        (INT,    "近30天上门服务异常数"),
    "visit_exception_rate":    (DOUBLE, "近30天上门服务异常率"),
    "complaints":              (INT,    "近30天投诉数"),
    "certificates_expiring":   (INT,    "30天内到期的护理员证书数"),
    "beds_occupied":           (INT,    "当前在住人数"),
    "beds_occupied_before":    (INT,    "90天前在住人数"),
    "occupancy_drop":          (DOUBLE, "在住人数降幅（0–1）"),
}
COMMUNITY_SIGNALS: dict[str, tuple[str, str]] = {
    "overdue_visits":   (INT, "逾期未完成的探访计划数"),
    "paid_after_death": (INT, "近3个月向已登记死亡人员的发放笔数"),
    "alarms_unanswered": (INT, "近30天超过15分钟无人响应的警情数"),
}
# name: (subject kind, expression, level, deadline days)
DEFAULT_RULES: dict[str, tuple[str, str, str, int]] = {
    "超过12个月未检查":   ("unit", "never_inspected || months_since_inspection > 12", "medium", 30),
    "上门服务异常率偏高": ("unit", "visits >= 20 && visit_exception_rate > 0.15", "medium", 15),
    "投诉集中":           ("unit", "complaints >= 3", "high", 7),
    "护理员证书集中到期": ("unit", "certificates_expiring >= 3", "low", 30),
    "在住人数骤降":       ("unit", "beds_occupied_before >= 10 && occupancy_drop > 0.3", "high", 7),
    "探访逾期积压":       ("community", "overdue_visits >= 5", "medium", 15),
    "死亡人员仍在领取":   ("community", "paid_after_death >= 1", "high", 7),
    "警情无人响应":       ("community", "alarms_unanswered >= 1", "high", 3),
}
# fmt: on


def signals_of(kind: str) -> dict[str, tuple[str, str]]:
    return UNIT_SIGNALS if kind == SubjectKind.UNIT else COMMUNITY_SIGNALS


def signal_lines(kind: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures a warning was raised on, by their Chinese names (those that are not nothing)."""
    out = []
    for name, (typ, label) in signals_of(kind).items():
        value = values.get(name)
        if name == "kind" or value in (None, 0, 0.0, False, ""):
            continue
        out.append((label, _("是") if typ == BOOL else f"{value:.1%}" if typ == DOUBLE else str(value)))
    return out


def load_defaults(rule_model: Any) -> None:
    """Create the default rules that are missing by name (the migration passes its historical model)."""
    have = set(rule_model.objects.values_list("name", flat=True))
    rule_model.objects.bulk_create(
        rule_model(name=n, subject_kind=k, expression=e, level=lv, deadline_days=d)
        for n, (k, e, lv, d) in DEFAULT_RULES.items()
        if n not in have
    )


# ---------------------------------------------------------------- CEL


class RuleError(InvalidInput):
    code = "warning_rule_invalid"


@lru_cache(maxsize=1)
def _env() -> celpy.Environment:
    return celpy.Environment()


@dataclass(frozen=True)
class Compiled:
    program: Any
    names: tuple[str, ...]  # the variables the expression reads, sorted


def _cel(value: object, typ: str) -> Any:
    if typ == BOOL:
        return celtypes.BoolType(bool(value))
    if typ == INT:
        return celtypes.IntType(int(value))  # type: ignore[call-overload]  # celpy's stubs
    if typ == DOUBLE:
        return celtypes.DoubleType(float(value))  # type: ignore[arg-type]  # celpy's stubs
    return celtypes.StringType(str(value))


def _sample(typ: str) -> object:
    return {BOOL: False, INT: 0, DOUBLE: 0.0, STR: ""}[typ]


def check(expression: str, kind: str, *, field: str = "expression") -> Compiled:
    """Parse and check a rule's CEL; raise RuleError (naming `field`) when it is not usable."""
    text = (expression or "").strip()
    if not text:
        raise RuleError(_("预警条件不能为空"), field=field)
    signals = signals_of(kind)
    try:
        tree = _env().compile(text)
    except CELParseError as exc:
        line, col = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
        raise RuleError(
            _("预警条件第%(l)d行第%(c)d列：CEL 语法错误") % {"l": line, "c": col}, field=field
        ) from None
    names = sorted({str(t) for t in tree.scan_values(lambda v: isinstance(v, Token) and v.type == "IDENT")})
    unknown = [n for n in names if n not in signals]
    if unknown:
        raise RuleError(
            _("预警条件中的“%(n)s”不是可用的指标；可用：%(a)s") % {"n": unknown[0], "a": "、".join(signals)},
            field=field,
        )
    program = _env().program(tree)
    sample = {n: _cel(_sample(signals[n][0]), signals[n][0]) for n in names}
    try:
        result = program.evaluate(sample)
    except Exception as exc:  # celpy reports a type mismatch (e.g. an int compared with 0.5) by raising
        raise RuleError(
            _("预警条件无法计算（请检查指标与数值的类型）：%(e)s") % {"e": exc.args[0]}, field=field
        ) from None
    if not isinstance(result, celtypes.BoolType):
        raise RuleError(_("预警条件的结果必须是真/假"), field=field)
    return Compiled(program, tuple(names))


@lru_cache(maxsize=256)
def compiled(expression: str, kind: str) -> Compiled:
    return check(expression, kind)


def matches(expression: str, kind: str, subjects: Iterable[Subject]) -> list[Subject]:
    """The subjects for which the rule is true; evaluated once per distinct tuple of what it reads."""
    rule = compiled(expression, kind)
    types = signals_of(kind)
    memo: dict[tuple[object, ...], bool] = {}
    out = []
    for s in subjects:
        key = tuple(s.signals[n] for n in rule.names)
        hit = memo.get(key)
        if hit is None:
            activation = {n: _cel(v, types[n][0]) for n, v in zip(rule.names, key, strict=True)}
            try:
                hit = bool(rule.program.evaluate(activation))
            except Exception:  # a division by zero and the like on these values: no warning
                hit = False
            memo[key] = hit
        if hit:
            out.append(s)
    return out


# ---------------------------------------------------------------- signals


@dataclass(frozen=True)
class Subject:
    kind: str  # SubjectKind
    key: str  # the unit's id, or the community's code
    name: str
    region_code: str
    unit_id: int | None
    signals: dict[str, Any]


def _months_between(earlier: datetime.date, later: datetime.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def unit_subjects(day: datetime.date | None = None) -> list[Subject]:
    day = day or timezone.localdate()
    homecare: dict[int, tuple[int, int, int]] = {}
    if apps.is_installed("carecircle.homecare"):
        from carecircle.homecare.selectors import warning_signals  # noqa: PLC0415 — may be absent

        since = day - datetime.timedelta(days=WINDOW_DAYS)
        homecare = {
            p.provider_id: (p.visits, p.exceptions, p.complaints) for p in warning_signals(since=since)
        }
    expiring: dict[int, int] = {}
    if apps.is_installed("carecircle.workforce"):
        from carecircle.workforce.selectors import certificates_expiring_by_organisation  # noqa: PLC0415 — workforce may be absent

        expiring = certificates_expiring_by_organisation(day=day, within_days=WINDOW_DAYS)
    rows = list(
        Unit.objects.filter(active=True)
        .order_by("id")
        .values_list("id", "kind", "source_id", "name", "region_code", "last_inspected_on")
    )
    beds_now: dict[int, int] = {}
    beds_before: dict[int, int] = {}
    if apps.is_installed("carecircle.facilities"):
        from carecircle.facilities.selectors import occupied_beds  # noqa: PLC0415 — may be absent

        facilities = [src for _pk, k, src, *_rest in rows if k == UnitKind.FACILITY]
        beds_now = occupied_beds(facilities, day)
        beds_before = occupied_beds(facilities, day - datetime.timedelta(days=POPULATION_LAG_DAYS))
    out = []
    for pk, kind, src, name, region, inspected in rows:
        visits, exceptions, complaints = (
            homecare.get(src, (0, 0, 0)) if kind == UnitKind.HOMECARE else (0, 0, 0)
        )
        now, before = (beds_now.get(src, 0), beds_before.get(src, 0)) if kind == UnitKind.FACILITY else (0, 0)
        signals = {
            "kind": kind,
            "never_inspected": inspected is None,
            "months_since_inspection": _months_between(inspected, day) if inspected else 0,
            "visits": visits,
            "visit_exceptions": exceptions,
            "visit_exception_rate": round(exceptions / visits, 4) if visits else 0.0,
            "complaints": complaints,
            "certificates_expiring": expiring.get(src, 0) if kind == UnitKind.HOMECARE else 0,
            "beds_occupied": now,
            "beds_occupied_before": before,
            "occupancy_drop": round(max(0.0, 1 - now / before), 4) if before else 0.0,
        }
        out.append(Subject(SubjectKind.UNIT, str(pk), name, region, pk, signals))
    return out


def _months_back(day: datetime.date, months: int) -> str:
    m = day.year * 12 + day.month - 1 - months
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def community_subjects(day: datetime.date | None = None) -> list[Subject]:
    """Every community with a figure from a source (one grouped read each); the rest are all zeros."""
    day = day or timezone.localdate()
    figures: dict[str, dict[str, Any]] = {}

    def put(name: str, counts: dict[str, int]) -> None:
        for code, n in counts.items():
            figures.setdefault(code, dict.fromkeys(COMMUNITY_SIGNALS, 0))[name] = n

    if apps.is_installed("carecircle.carevisits"):
        from carecircle.carevisits.selectors import overdue_by_community  # noqa: PLC0415 — may be absent

        put("overdue_visits", overdue_by_community(day=day))
    if apps.is_installed("carecircle.benefits"):
        from carecircle.benefits.selectors import paid_after_death  # noqa: PLC0415 — may be absent

        put("paid_after_death", paid_after_death(since_period=_months_back(day, PAID_MONTHS - 1)))
    if apps.is_installed("carecircle.alarms"):
        from carecircle.alarms.selectors import unanswered_by_community  # noqa: PLC0415 — may be absent

        now = timezone.now()
        put(
            "alarms_unanswered",
            unanswered_by_community(
                since=now - datetime.timedelta(days=WINDOW_DAYS),
                older_than=now - datetime.timedelta(minutes=UNANSWERED_MINUTES),
            ),
        )
    names = names_of(figures)
    return [
        Subject(SubjectKind.COMMUNITY, code, names.get(code, code), code, None, figures[code])
        for code in sorted(figures)
    ]


def subjects(kind: str, day: datetime.date | None = None) -> list[Subject]:
    return unit_subjects(day) if kind == SubjectKind.UNIT else community_subjects(day)
