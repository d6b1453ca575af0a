"""The home-care module's contracts: what its selectors and services hand to pages and to other
modules, as frozen dataclasses (see docs/directory-guide.md, "Contracts")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carecircle.homecare.models import StatementPosting


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One line of a provider's month-end statement as its page shows it: what the line is
    (funding source, programme), what it comes to, and what of it the benefits funds ledger has
    taken (its postings and their total)."""

    source: str
    source_label: str
    programme_code: str
    programme_name: str  # the cost-share rule's name for "share:<id>", else the programme code
    visits: int
    amount: Decimal
    funder: str  # the benefits programme whose fund pays the line ("" when no fund does)
    postings: tuple[StatementPosting, ...]
    posted: Decimal
