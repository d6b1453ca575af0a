"""The alarm module's contracts (docs/directory-guide.md, "Contracts"): the responder candidates
as frozen dataclasses; what the selectors answer the console's pages (dictionaries at run time,
rendered and exported as they are) as TypedDicts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NotRequired, TypeAlias, TypedDict

if TYPE_CHECKING:
    from carecircle.alarms.models import Device, Incident
    from carecircle.assessment.types import CareProfile
    from carecircle.registry.models import Person


@dataclass(frozen=True, slots=True)
class ResponderCandidate:
    """Someone who may be sent to an incident's person, as `alarms.services.responder_candidates`
    answers the incident card and dispatch: an emergency family contact (`contact_id`; `user_id`
    when the contact has an account) or a community or street worker (`user_id` only). `role` is
    the contact's relation or the worker's role, in words; `phone_masked` is empty for workers."""

    name: str
    role: str
    phone_masked: str
    contact_id: int | None
    user_id: int | None

    @property
    def key(self) -> str:
        """What the card sends to choose this candidate, and what a responder asked already
        counts as (`contact:<id>` or `user:<id>`)."""
        return f"contact:{self.contact_id}" if self.contact_id else f"user:{self.user_id}"


class ReceivedAlarm(TypedDict):
    """One alarm of a batch from the device intake (`alarms.services.alarm_receive_batch`): the
    arguments of `alarm_receive` but `now`."""

    device: Device
    event_id: str
    kind: str
    device_time: datetime.datetime
    detail: NotRequired[dict[str, object] | None]


class CardContact(TypedDict):
    """An emergency contact on the incident card: `phone` in clear for the incident's handler while
    it is open, else its mask."""

    id: int
    name: str
    relation: str
    phone: str


class CardMap(TypedDict):
    """Where the card's map looks: the home itself (`exact`, a marker; for the handler only) or the
    centre of the person's community (everyone else)."""

    latitude: float
    longitude: float
    exact: bool


class PersonCard(TypedDict):
    """What the operator sees about an incident's person on one screen (`alarms.card.incident_card`).
    `clear` says whether `phone`, `address`, the contacts' phones and the map's home are the values
    themselves (the incident's handler while it is open) or their masks (everyone else)."""

    person: Person
    clear: bool
    age: int
    phone: str
    address: str
    living: list[str]
    statuses: list[str]
    profile: CareProfile | None
    contacts: list[CardContact]
    region: str
    devices: list[Device]
    recent: list[Incident]
    map: CardMap | None


class TargetCheck(TypedDict):
    """One answer-time target held against calls (`alarms.selectors.target_checks`): answered within
    `seconds` (`within`) of those decided (answered, or waiting past the limit), the share in per
    cent (None when none decided yet) and whether it meets `target` (per cent)."""

    seconds: int
    target: float
    within: int
    decided: int
    share: float | None
    ok: bool


LevelRow: TypeAlias = "dict[str, Any]"
"""Calls answered in time: `calls`, `checks` (a TargetCheck per target of the centre's Policy),
and per limit `within_<s>`, `share_<s>` (per cent, None when none decided yet) and `ok_<s>`;
`median_seconds`."""


class IncidentTimes(TypedDict):
    """Seconds from an incident's opening to each step (`alarms.selectors.incident_times`): answered
    by a person, first call that reached the older person, a responder on site, closed; None for a
    step not reached."""

    answer: float | None
    first_contact: float | None
    on_site: float | None
    close: float | None


class ServiceLevels(TypedDict):
    """`alarms.selectors.service_levels`: a day's calls answered in time, in all, per hour and per
    operator, with the targets they are held to."""

    day: datetime.date
    total: LevelRow
    hours: list[tuple[int, LevelRow]]
    operators: list[tuple[str, LevelRow]]
    targets: tuple[tuple[int, float], ...]


class MonthlyRow(TypedDict):
    """One region's month in `alarms.selectors.monthly_report`."""

    region_code: str
    region: str
    total: int
    by_source: dict[str, int]
    by_outcome: dict[str, int]
    open: int
    limit_seconds: int
    share_in_time: float | None
    median_answer_seconds: float | None
    median_on_site_minutes: float | None


class TimelineRow(TypedDict):
    """One timeline entry of an incident as the export writes it (`alarms.selectors.timeline_rows`)."""

    at: str
    kind: str
    actor: str
    text: str
    seconds: int


@dataclass(frozen=True, slots=True)
class OnTimeRate:
    """Proactive wellbeing calls done on time in a region over a month (`alarms.selectors.
    outreach_on_time`): `due` calls whose time was up by then (or tried already), `on_time` those
    first tried by their due time; `rate` their share in per cent (None when nothing was due)."""

    region_code: str
    region: str
    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return round(100.0 * self.on_time / self.due, 1) if self.due else None
