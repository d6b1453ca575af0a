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
