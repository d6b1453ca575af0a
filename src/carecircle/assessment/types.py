"""The assessment module's contract with other modules: capability levels.

`carecircle.assessment.selectors.current_level(person, day)` answers a `CapabilityLevel` (or None
when no assessment is valid on the day); `level_subquery(day)` annotates the same number for a
whole queryset. Levels are GB/T 42195-2022's five grades, 0 (intact) to 4 (total loss); being an
`IntegerChoices`, a level compares with plain numbers (`level >= CapabilityLevel.MODERATE`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class CapabilityLevel(models.IntegerChoices):
    """A person's capability level (老年人能力等级)."""

    INTACT = 0, _("能力完好")
    MILD = 1, _("轻度失能")
    MODERATE = 2, _("中度失能")
    SEVERE = 3, _("重度失能")
    TOTAL = 4, _("完全失能")


@dataclass(frozen=True, slots=True)
class CareProfile:
    """What a call-centre operator needs from a person's newest capability assessment
    (`carecircle.assessment.selectors.care_profile`): the level, when it was assessed, whether it
    is still valid on the day asked, and the conditions that matter on an emergency call, in words
    (a coma, dementia, recent falls; the items of the form on which the person needs much help:
    hearing, speech, understanding, walking, stairs…)."""

    level: CapabilityLevel
    assessed_on: datetime.date
    valid: bool
    conditions: tuple[str, ...]

    @property
    def level_label(self) -> str:
        return str(self.level.label)
