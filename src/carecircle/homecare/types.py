"""The home-care module's contracts: what its selectors and services hand to pages and to other
modules, as frozen dataclasses (see docs/directory-guide.md, "Contracts")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carecircle.homecare.models import FundingSource, Order, StatementPosting


@dataclass(frozen=True, slots=True)
class FamilyVisit:
    """One of the day's visits as a resident's home page shows it (selectors.family_visits)."""

    order_id: int
    person_id: int
    person_name: str
    window_start: datetime.datetime
    status: str  # OrderStatus
    status_label: str
    item_name: str
    provider_name: str
    caregiver_name: str  # "" while no caregiver is assigned
    done: bool  # served or completed: the page offers the rating


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """Who pays how much of a quoted order: a cost-share source, a benefits programme's voucher
    or allowance, or the person's own share (`FundingSource.SELF_PAY`). An order stores these as
    its `PaymentLine` rows."""

    source: FundingSource
    programme_code: str  # "share:<rule id>" for a cost share, the benefits programme, "" for self-pay
    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """The price of an order before it is placed, what `homecare.services.quote` answers (the
    order page, the quote API, order_create and order_reschedule): the provider's price, the
    region's guide price, the payment lines and what is left for the person to pay."""

    price: Decimal
    guide_price: Decimal | None
    lines: tuple[QuoteLine, ...]
    own_share: Decimal
    window_start: datetime.datetime
    window_end: datetime.datetime


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


@dataclass(frozen=True, slots=True)
class RouteStop:
    """One visit of a caregiver's day, as `homecare.selectors.caregiver_route` answers: the order
    and the estimated travel in minutes from the previous place (None: a position is unknown)."""

    order: Order
    travel_minutes: float | None


@dataclass(frozen=True, slots=True)
class SatisfactionRow:
    """Ratings of one provider (`key` its id) or one street (`key` its region code): how many,
    the mean score (2 places) and the share of 4–5 stars in per cent (满意率, 1 place)."""

    key: int | str
    name: str
    n: int
    mean: float
    rate: float


@dataclass(frozen=True, slots=True)
class SupervisedProvider:
    """A home-care provider in business as oversight's unit register records it."""

    id: int
    name: str
    region_code: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class AcceptNotice:
    """An order a provider accepted (`homecare.selectors.accept_notices`), as the person is told:
    `event_id` names the acceptance (a re-accept after a reassignment is another); `phone` is the
    person's number as the vault keeps it (ciphertext)."""

    event_id: int
    order_id: int
    person_id: int
    user_id: int | None
    phone: str
    item: str
    provider: str
    window_start: datetime.datetime
    region_code: str


@dataclass(frozen=True, slots=True)
class ProviderFact:
    """A complaint or a confirmed visit exception against a provider, as oversight's credit events
    read it (`homecare.selectors.credit_facts`): the record's id, its provider, its day, a line."""

    id: int
    provider_id: int
    on: datetime.date
    text: str


@dataclass(frozen=True, slots=True)
class ProviderSignals:
    """A provider's figures over a window, as oversight's early warnings read them
    (`homecare.selectors.warning_signals`): visits checked in, visit exceptions raised (less those
    accepted as explained), complaints lodged."""

    provider_id: int
    visits: int
    exceptions: int
    complaints: int
