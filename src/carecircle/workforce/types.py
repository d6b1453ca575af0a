"""The workforce module's contracts with other modules (docs/directory-guide.md, "Contracts")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Qualification:
    """What a caregiver is qualified for on a day, as `workforce.selectors.qualifications_on`
    answers home-care dispatch: the best valid 养老护理员 certificate level (0: none) and whether
    a health certificate is valid."""

    level: int
    health: bool


@dataclass(frozen=True, slots=True)
class Requirement:
    """A certificate a piece of work needs (workforce/requirements.py): any one of `kinds` valid on
    the day, at `min_level` or above (0: any level, or a kind without levels)."""

    kinds: frozenset[str]
    min_level: int = 0

    def met_by(self, held: dict[str, int]) -> bool:
        """`held`: certificate kind -> best level valid on the day (0 for kinds without levels)."""
        return any(k in held and held[k] >= self.min_level for k in self.kinds)
