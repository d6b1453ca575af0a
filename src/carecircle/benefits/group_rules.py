"""Programme rules that name a population group say it the way every module does: the CEL text of
a group is written from its one definition (registry/groups.py, read through
`registry.selectors.population_group`), never retyped in a programme.

A group is an age band and, when it has criteria, at least one of them (a status held on the day,
a capability level at or above a grade, or a higher age); each becomes the CEL fact test of the
same meaning (`"kind" in statuses`, `capability_level >= n`, `age >= n`).
"""

from __future__ import annotations

from collections.abc import Iterable

from carecircle.registry.selectors import population_group


def statuses_condition(kinds: Iterable[str]) -> str:
    """The CEL condition "holds one of the statuses `kinds` on the day"."""
    return " || ".join(f'"{kind}" in statuses' for kind in kinds)


def group_condition(code: str) -> str:
    """The CEL condition "is in population group `code` on the day" (InvalidInput for an unknown
    code, from registry.selectors)."""
    group = population_group(code)
    terms: list[str] = []
    for criterion in group.any_of:
        if criterion.statuses:
            terms.append(statuses_condition(criterion.statuses))
        elif criterion.min_level is not None:
            terms.append(f"capability_level >= {criterion.min_level}")
        elif criterion.min_age is not None:
            terms.append(f"age >= {criterion.min_age}")
    parts = []
    if group.min_age is not None:
        parts.append(f"age >= {group.min_age}")
    if group.under_age is not None:
        parts.append(f"age < {group.under_age}")
    if terms:
        parts.append("(" + " || ".join(terms) + ")")
    return " && ".join(parts) if parts else "age >= 0"
