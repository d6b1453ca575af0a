"""Model fields used by more than one module."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, overload

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MONEY_DECIMAL_PLACES = 2


@overload
def money_field(
    verbose_name: str | _StrPromise | None = None,
    *,
    max_digits: int = 14,
    null: Literal[False] = False,
    **kwargs: Any,
) -> models.DecimalField[Any, Decimal]: ...


@overload
def money_field(
    verbose_name: str | _StrPromise | None = None, *, max_digits: int = 14, null: Literal[True], **kwargs: Any
) -> models.DecimalField[Any, Decimal | None]: ...


def money_field(
    verbose_name: str | _StrPromise | None = None, *, max_digits: int = 14, null: bool = False, **kwargs: Any
) -> models.DecimalField[Any, Any]:
    """A money column: Decimal yuan with 2 places (`max_digits` in all, 14 unless the module keeps
    smaller sums). Every money field goes through here so that mypy sees real keyword arguments
    instead of `**MONEY` dicts, and the places are the same everywhere."""
    return models.DecimalField(
        verbose_name, max_digits=max_digits, decimal_places=MONEY_DECIMAL_PLACES, null=null, **kwargs
    )
