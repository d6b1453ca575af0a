"""Calendar months, one definition for every module: a month's first day, the next month, a month's
bounds as aware local (Beijing) midnights for filtering timestamps, and a day some months on."""

import datetime

from django.utils import timezone


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    """The first day of the month after `month`'s."""
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's start and the next month's start, local midnight, as aware datetimes (a half-open
    range: start <= t < end)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month_start(month), datetime.time(), tz)
    return start, datetime.datetime.combine(next_month(month), datetime.time(), tz)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (earlier when negative), the month's last day where it has no such
    day (31 January + 1 month: 28 or 29 February)."""
    year, index = divmod(day.month - 1 + months, 12)
    first = datetime.date(day.year + year, index + 1, 1)
    last = (next_month(first) - datetime.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))
