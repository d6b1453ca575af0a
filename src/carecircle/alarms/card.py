"""The incident card: what an operator needs about the person on one screen (issue 18) — name,
age, phone and address, capability level and the conditions that matter from the newest
assessment, living situation, devices, recent incidents and the emergency contacts — and THE rule
for when it shows personal data in clear.

The rule (`card_in_clear`): the incident's handler — the operator who took it (`incident.operator`,
set by 接警) — while the incident is open and while they may still act on it
(`selectors.incident_actions`: its region's operators, or the overflow centre's who answered it). Everyone else (an
operator who is not the handler, a supervisor, a responder) and the handler before 接警 or after 结案
see the masks of core/vault.py, and the map shows the person's community instead of the home.

The audit (`incident_card`, a service: pages never write audit rows): each field shown in clear is
an unmasking (`pii.unmask`) on the person, purpose the incident, detail `{"incident": id, "field":
…}` — `phone`, `address`, `location` (the map's marker on the home) and `contact_phone` (one per
emergency contact, with `"contact": id`). ONE row per field, handler and incident: the card is drawn
again after every action and on every live refresh of the console, and drawing again shows nothing
that was not shown already, so it writes nothing; a field shown for the first time later (a contact
added while the incident is open, a new handler) writes its own row then."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.alarms import selectors
from carecircle.alarms.incidents import for_update
from carecircle.alarms.models import OPEN_STATES, Device, Incident, IncidentState
from carecircle.alarms.types import CardContact, CardMap, PersonCard
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from carecircle.core.selectors import region_path
from carecircle.core.types import Actor, Viewer, signed_in
from carecircle.registry import selectors as registry_selectors
from carecircle.registry.models import StatusKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carecircle.assessment.types import CareProfile
    from carecircle.core.models import Region
    from carecircle.registry.models import Person

# Registry statuses that tell how the person lives (the card's 居住情况); the others are tags.
LIVING_KINDS = (StatusKind.LIVING_ALONE, StatusKind.EMPTY_NEST, StatusKind.LEFT_BEHIND, StatusKind.SHIDU)
RECENT = 5  # earlier incidents of the person shown on the card

Field = tuple[str, int | None]  # (field, contact id): one unmasking


def card_in_clear(user: Actor | Viewer, incident: Incident) -> bool:
    """THE masking rule: whether `user` sees the card's personal data in clear (module docstring)."""
    if not signed_in(user):
        return False
    return (
        incident.operator_id == user.pk
        and incident.state in OPEN_STATES
        and incident.state != IncidentState.NEW
        and bool(selectors.incident_actions(user, incident))  # still operates it (its region, or overflow)
    )


def _profile(person: Person, day: datetime.date) -> CareProfile | None:
    if not apps.is_installed("carecircle.assessment"):
        return None
    from carecircle.assessment.selectors import care_profile  # noqa: PLC0415 — an optional module

    return care_profile(person, day)


def _map(person: Person, clear: bool, path: list[Region]) -> CardMap | None:
    if clear and person.latitude is not None and person.longitude is not None:
        return {"latitude": person.latitude, "longitude": person.longitude, "exact": True}
    for region in reversed(path):  # the community, else the nearest region above it with a centre
        if region.latitude is not None and region.longitude is not None:
            return {"latitude": region.latitude, "longitude": region.longitude, "exact": False}
    return None


def person_card(incident: Incident, *, clear: bool, day: datetime.date | None = None) -> PersonCard:
    """The card of the incident's person, in clear or masked as `clear` says. A fixed number of
    queries whatever the number of statuses, contacts, devices and earlier incidents."""
    person = incident.person
    day = day or timezone.localdate()
    statuses = registry_selectors.statuses_on(person, day)
    path = region_path(person.region_code)
    contacts: list[CardContact] = [
        {
            "id": c.pk,
            "name": c.name,
            "relation": c.relation,
            "phone": (c.phone if clear else c.phone_masked) or "",
        }
        for c in person.contacts.filter(is_emergency=True).order_by("id")
    ]
    return {
        "person": person,
        "clear": clear,
        "age": registry_selectors.shown_person_age(person, day),
        "phone": (person.phone if clear else person.phone_masked) or "",
        "address": (person.address if clear else person.address_masked) or "",
        "living": [s.get_kind_display() for s in statuses if s.kind in LIVING_KINDS],
        "statuses": [s.get_kind_display() for s in statuses if s.kind not in LIVING_KINDS],
        "profile": _profile(person, day),
        "contacts": contacts,
        "region": " / ".join(r.name for r in path[-3:]),
        "devices": list(Device.objects.filter(person=person).order_by("-active", "kind", "id")),
        "recent": list(
            Incident.objects.filter(person=person).exclude(pk=incident.pk).order_by("-opened_at")[:RECENT]
        ),
        "map": _map(person, clear, path),
    }


def shown_fields(card: PersonCard) -> set[Field]:
    """The fields the card shows in clear: what its unmasking rows name."""
    if not card["clear"]:
        return set()
    fields: set[Field] = set()
    if card["phone"]:
        fields.add(("phone", None))
    if card["address"]:
        fields.add(("address", None))
    if card["map"] is not None and card["map"]["exact"]:
        fields.add(("location", None))
    fields |= {("contact_phone", c["id"]) for c in card["contacts"] if c["phone"]}
    return fields


def _recorded(actor: Actor, incident: Incident) -> set[Field]:
    if not signed_in(actor):
        return set()
    rows = AuditEvent.objects.filter(
        action=AuditAction.PII_UNMASK,
        object_type="registry.person",
        object_id=str(incident.person_id),
        user_id=actor.pk,
        detail__incident=incident.pk,
    ).values_list("detail", flat=True)
    return {(d.get("field", ""), d.get("contact")) for d in rows if isinstance(d, dict)}


def incident_card(*, actor: Actor, incident: Incident, request: HttpRequest | None = None) -> PersonCard:
    """The card for `actor`; the fields it shows in clear for the first time are audited, once each
    (module docstring). Drawing the card again writes nothing."""
    clear = card_in_clear(actor, incident)
    card = person_card(incident, clear=clear)
    missing = shown_fields(card) - _recorded(actor, incident) if clear else set()
    if missing:
        _audit_unmasking(actor=actor, incident=incident, fields=missing, request=request)
    return card


@transaction.atomic
def _audit_unmasking(
    *, actor: Actor, incident: Incident, fields: set[Field], request: HttpRequest | None
) -> None:
    """One `pii.unmask` row per field not recorded yet; the incident's row is locked so that two
    cards drawn at once (the action's answer and the live refresh) do not both write."""
    for_update(Incident.objects.filter(pk=incident.pk)).values_list("pk", flat=True).first()
    purpose = _("接警处置 警情#%(n)s") % {"n": incident.pk}
    for field, contact in sorted(fields - _recorded(actor, incident), key=lambda f: (f[0], f[1] or 0)):
        audit.record(
            actor=actor,
            action=AuditAction.PII_UNMASK,
            obj=incident.person,
            request=request,
            purpose=purpose,
            incident=incident.pk,
            field=field,
            contact=contact,  # the emergency contact whose phone it is; None for the person's own fields
        )
