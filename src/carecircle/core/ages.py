"""Age in whole years on a given day: calendar arithmetic every module needs (eligibility, waiting
lists, assessments, the registry), so it lives in core rather than in any one module."""

import datetime


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on `day` (the birthday itself counts: 60 on the 60th birthday)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier (a birth date on or before it is `years` old on `day`);
    29 February falls back to the 28th when that year has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
