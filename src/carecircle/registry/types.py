"""What the registry's pages take from the modules built on it (contracts, docs/directory-guide.md).

A child's page (registry/views_children.py) shows the child's home visits (Hangzhou 三(二)2: 家庭走访,
定期上门查访). The registry cannot import the module that plans and records them (carevisits builds
on the registry), so that module offers an optional file, `<module>/home_visits.py` with
`home_visits(user, person) -> HomeVisits | None`, found through core.plugins, and answers with these.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """One visit due for the person in a period, and where it stands."""

    period_start: datetime.date
    due: datetime.date
    frequency: str  # in words: 每月, 每半月 …
    reasons: str  # why the person is visited, in words
    status: str  # in words: 待探访, 已探访, 已取消
    overdue: bool
    record_url: str  # the page to record the visit on ("" when the user may not, or it is closed)


@dataclass(frozen=True, slots=True)
class RecordedVisit:
    """One visit as it happened."""

    visited_at: datetime.datetime
    visitor: str
    place: str  # in words: 入户, 电话 …
    seen: str  # in words: 见到本人 …
    condition: str  # in words, "" when not noted
    notes: str
    follow_up: bool


@dataclass(frozen=True, slots=True)
class HomeVisits:
    """A person's visit plans (latest first) and recorded visits (latest first)."""

    plans: tuple[PlannedVisit, ...]
    visits: tuple[RecordedVisit, ...]
    worklist_url: str  # where visits are planned and recorded


@dataclass(frozen=True, slots=True)
class PhoneMatch:
    """A person or family contact whose phone is a given number (`registry.selectors.people_by_phone`):
    the caller screen-pop's card. A contact's match names the person they are a contact of."""

    person_id: int
    person_name: str
    region_code: str  # the person's community
    age: int  # as a masked view may show it (core.vault.shown_age)
    phone_masked: str  # the matched number, masked
    contact_id: int | None = None  # None: the person's own phone
    contact_name: str = ""
    relation: str = ""  # the contact's relation to the person, in words

    @property
    def is_contact(self) -> bool:
        return self.contact_id is not None
