"""What the time bank hands its pages, reports and benchmark (docs/directory-guide.md, "Contracts")."""

import enum
from dataclasses import dataclass
from decimal import Decimal


class RequestAction(enum.StrEnum):
    """What a user may do with a help request (selectors.request_actions is the one rule)."""

    TAKE = "take"
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    CONFIRM = "confirm"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """The ledger checked: every entry balanced, no line of zero, the holders' hours equal to
    minus the issued and escrow contra accounts."""

    entries: int
    lines: int
    unbalanced: int
    outstanding: Decimal  # hours held by volunteers, persons and pools
    contra: Decimal  # the issued and escrow accounts (minus the outstanding when balanced)
    negative: int = 0  # holder accounts below zero (a transfer beyond a balance got through)

    @property
    def ok(self) -> bool:
        return self.unbalanced == 0 and self.negative == 0 and self.outstanding + self.contra == 0


@dataclass(frozen=True, slots=True)
class Cover:
    """A district's guarantee against its outstanding hours (ratio None when nothing is owed)."""

    region_code: str
    outstanding: Decimal
    guaranteed: Decimal  # hours set aside plus money at its hour value

    @property
    def ratio(self) -> Decimal | None:
        if self.outstanding <= 0:
            return None
        return (self.guaranteed / self.outstanding).quantize(Decimal("0.01"))

    @property
    def covered(self) -> bool:
        return self.guaranteed >= self.outstanding
