"""What the home-care model files share: the money columns' size and the validity-period check."""

from django.db import models
from django.db.models import Q

MONEY_DIGITS = 10  # the largest sum of an order or a statement fits in 8 digits before the point
MONEY = {"max_digits": MONEY_DIGITS, "decimal_places": 2}


def _period(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            name=f"{prefix}_period_ordered",
        )
    ]
