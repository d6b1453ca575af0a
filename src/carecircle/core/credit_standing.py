"""What a unit's credit grade brings (Jiaxing 三(三) 监管结果与星级评定、政府补贴以及行业准入退出挂钩): the
modules that pay grade subsidies (facilities), recognise 普惠 places and classes (facilities,
childcare) and choose a home-care provider for an order (homecare) ask here, and oversight answers
through its optional `credit_standings.py` (core/plugins.py) — the same pattern as core/suspension.py,
since oversight reads facilities and homecare and they cannot import it back. A deployment without
oversight grades nobody: every unit is eligible and all rank alike.

(Singular here, plural in the module, so that the discovery, which also looks in core, finds only
the module's own.) Kinds: "homecare" (home-care provider ids) and "facility" (facility ids, 托育 included)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from carecircle.core import plugins


@dataclass(frozen=True, slots=True)
class Standing:
    """A unit's grade and what it brings: `label` is shown beside the unit's name; `rank` orders
    providers for an order (1 first); `basis` is the rule's citation."""

    grade: str
    label: str
    subsidy: bool
    puhui: bool
    rank: int
    basis: str


def standings(kind: str, ids: Iterable[int]) -> dict[int, Standing]:
    """{id: standing} for the given units of `kind` that a module grades (the others are absent)."""
    wanted = list(ids)
    found: dict[int, Standing] = {}
    if not wanted:
        return found
    for module in plugins.optional_submodules("credit_standings"):
        found.update(module.standings(kind, wanted))
    return found


def subsidy_refusal(standing: Standing | None) -> str | None:
    """Why grade subsidies are held from a unit of this standing (None: they are not)."""
    if standing is None or standing.subsidy:
        return None
    return _("信用等级为%(g)s，暂停享受等级补助（%(b)s）") % {"g": standing.label, "b": standing.basis}


def puhui_refusal(kind: str, unit_id: int) -> str | None:
    """Why a unit's 普惠 places or classes are not recognised (None: they are)."""
    standing = standings(kind, [unit_id]).get(unit_id)
    if standing is None or standing.puhui:
        return None
    return _("信用等级为%(g)s，不予认定普惠（%(b)s）") % {"g": standing.label, "b": standing.basis}


def order_ranks(kind: str, ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """{id: (rank, label)} for every given unit: where its offers stand when a provider is chosen
    (1 first) and the grade to show beside it; an ungraded unit stands where the grading module
    puts it (oversight: like its register's starting grade), labelled 未评级."""
    wanted = list(ids)
    graded = standings(kind, wanted)
    missing = [i for i in wanted if i not in graded]
    default = 0
    if missing:
        default = min((m.default_rank() for m in plugins.optional_submodules("credit_standings")), default=0)
    out = {i: (s.rank, s.label) for i, s in graded.items()}
    out.update({i: (default, _("未评级")) for i in missing})
    return out
