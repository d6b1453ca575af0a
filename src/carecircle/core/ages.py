"""Age in whole years on a given day: calendar arithmetic every module needs (eligibility, waiting
lists, assessments, the registry), so it lives in core rather than in any one module."""

import datetime


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on `day` (the birthday itself counts: 60 on the 60th birthday)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
