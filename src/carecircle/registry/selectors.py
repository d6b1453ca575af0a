"""Reads of the registry, always through the user's scope."""

import datetime
import enum
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.ages import age_on, years_before
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from carecircle.core.regions import is_valid_code, prefix_of
from carecircle.core.types import Actor, Viewer, signed_in
from carecircle.core.vault import blind_index, phone_index, shown_age
from carecircle.registry import groups as population_groups
from carecircle.registry import history
from carecircle.registry.groups import ECONOMIC_HARDSHIP as ECONOMIC_HARDSHIP  # 特困、低保、低保边缘
from carecircle.registry.groups import PopulationGroup
from carecircle.registry.models import (
    EXIT_STATUSES,
    FamilyContact,
    ImportJob,
    LinkState,
    Person,
    PersonStatus,
)
from carecircle.registry.types import PhoneMatch

# The age bands the registry's search and the modules' age counts filter on: groups of
# registry/groups.py without criteria, whose ages are read there (no age is written twice).
AGE_GROUPS = ("elder", "senior80", "centenarian", "infant")


def _age_band(min_age: int | None, under_age: int | None, day: datetime.date) -> Q:
    """Persons aged `min_age` or older and under `under_age` on `day` (either may be None)."""
    q = Q()
    if min_age is not None:
        q &= Q(birth_date__lte=years_before(day, min_age))
    if under_age is not None:
        q &= Q(birth_date__gt=years_before(day, under_age))
    return q


def birth_date_bounds(group: str, day: datetime.date) -> Q:
    """A filter on birth_date for an age group of AGE_GROUPS on `day` (derived groups are never
    stored): the group's age band as registry/groups.py defines it."""
    if group not in AGE_GROUPS:
        raise InvalidInput(field="group")
    grp = population_groups.GROUPS[group]
    return _age_band(grp.min_age, grp.under_age, day)


def status_on(kind: str, day: datetime.date) -> Q:
    """Persons holding status `kind` on `day`."""
    return Q(
        Exists(
            PersonStatus.objects.filter(person=OuterRef("pk"), kind=kind, valid_from__lte=day).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=day)
            )
        )
    )


def active_on(day: datetime.date) -> Q:
    """Persons neither dead nor moved away on `day`."""
    q = Q()
    for kind in EXIT_STATUSES:
        q &= ~status_on(kind, day)
    return q


def population_group(code: str) -> PopulationGroup:
    """The definition of population group `code` (registry/groups.py: label, citation, criteria);
    other modules read it here (this is the registry's public surface). Unknown code: InvalidInput."""
    if code not in population_groups.GROUPS:
        raise InvalidInput(field="group")
    return population_groups.GROUPS[code]


def population_q(code: str, day: datetime.date) -> Q:
    """Persons of the population group `code` (registry/groups.py) on `day`: in its age band, not
    dead or moved away, and meeting at least one of its criteria. Unknown code: InvalidInput."""
    grp = population_group(code)
    q = active_on(day) & _age_band(grp.min_age, grp.under_age, day)
    if not grp.any_of:
        return q
    either = Q(pk__in=[])
    kinds = [kind for c in grp.any_of for kind in c.statuses]
    if kinds:  # every status criterion in one subquery
        either |= Q(
            Exists(
                PersonStatus.objects.filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gte=day),
                    person=OuterRef("pk"),
                    kind__in=kinds,
                    valid_from__lte=day,
                )
            )
        )
    for c in grp.any_of:
        if c.min_level is not None:
            either |= _level_at_least(c.min_level, day)
        elif c.min_age is not None:
            either |= Q(birth_date__lte=years_before(day, c.min_age))
    return q & either


def _level_at_least(min_level: int, day: datetime.date) -> Q:
    """Persons whose current capability level on `day` (the newest assessment valid that day, as
    assessment.selectors.current_level reads it) is `min_level` or worse. The assessment table is
    reached through Person's reverse relation: the registry cannot import the assessment module,
    which builds on it. Without that module nobody is assessed, so nobody qualifies."""
    try:
        model = Person._meta.get_field("capability_assessments").related_model
    except FieldDoesNotExist:
        return Q(pk__in=[])
    valid = model._default_manager.filter(valid_from__lte=day, valid_to__gte=day)
    newest = valid.filter(person=OuterRef("person")).order_by("-valid_from", "-id").values("pk")[:1]
    # driven from the assessments (a set the database builds once), not one lookup per person
    return Q(pk__in=valid.filter(final_level__gte=min_level, pk=Subquery(newest)).values("person_id"))


def population(*, code: str, day: datetime.date, region_prefix: str = "") -> QuerySet[Person]:
    """The persons of population group `code` on `day` under `region_prefix`, for the platform's own
    counts and rounds (indicators, visit plans); pages filter a scoped queryset with population_q."""
    return Person.objects.filter(region_code__startswith=region_prefix).filter(population_q(code, day))


def person_search(
    *,
    user: Actor,
    text: str = "",
    region_code: str = "",
    status: str = "",
    group: str = "",
    include_inactive: bool = False,
    day: datetime.date | None = None,
) -> QuerySet[Person]:
    day = day or timezone.localdate()
    qs = scope.in_scope(Person.objects.all(), user, "registry.view")
    if region_code:
        qs = qs.filter(region_code__startswith=_region_prefix(region_code))
    text = (text or "").strip()
    if text:
        if len(text) == 18 and text[:17].isdigit():
            qs = qs.filter(id_hash=blind_index(text.upper()))
        elif text.isdigit():
            # Only a whole ID number finds a person by number (the blind index): a search by a
            # part of it would tell the hidden digits one query at a time (core/vault.py).
            return qs.none()
        else:
            qs = qs.filter(name__contains=text)
    if status:
        qs = qs.filter(status_on(status, day))
    if group:
        qs = qs.filter(birth_date_bounds(group, day))
    if not include_inactive:
        qs = qs.filter(active_on(day))
    return qs.defer("id_number", "phone", "address").order_by("region_code", "name", "id")


def _region_prefix(code: str) -> str:
    if not is_valid_code(code):
        raise InvalidInput(field="region")
    return prefix_of(code)


def person_get(*, user: Viewer, person_id: int, perm: str = "registry.view") -> Person:
    return access_by_id(Person.objects.all(), person_id, user=user, perm=perm)


class PersonAction(enum.StrEnum):
    """What a user may do with a person's record (the page shows these buttons, the services
    refuse the rest: `require_person_action`)."""

    EDIT = "edit"  # change the record, add or end a status, add a family contact
    UNMASK = "unmask"  # see the full ID number, phone and address, for a stated purpose


PERSON_ACTION_PERMS: dict[PersonAction, str] = {
    PersonAction.EDIT: "registry.edit",
    PersonAction.UNMASK: "pii.unmask",
}


def person_actions(user: Actor, person: Person) -> frozenset[PersonAction]:
    """The one rule of what `user` may do with `person`: the permission of each action over the
    person's community. The person page shows `{% if 'edit' in actions %}`; the services call
    `require_person_action` with the same table."""
    return frozenset(
        a for a, perm in PERSON_ACTION_PERMS.items() if scope.has_perm(user, perm, person.region_code)
    )


def require_person_action(actor: Actor, region_code: str, action: PersonAction) -> None:
    """Refuse `action` on a record of `region_code` unless `person_actions` would offer it (403 when
    the record is visible to the actor, 404 when not: core.scope.require)."""
    scope.require(actor, PERSON_ACTION_PERMS[action], region_code)


def status_get(*, person: Person, status_id: int) -> PersonStatus:
    """One status of `person` (the caller found the person through `person_get`)."""
    status = PersonStatus.objects.filter(pk=status_id, person=person).first()
    if status is None:
        raise NotFound()
    return status


def status_rows(user: Actor, person: Person) -> list[tuple[PersonStatus, bool]]:
    """The person's statuses, newest first, each with whether the page offers to end it: the user
    may edit the record and the status is still open."""
    may_edit = PersonAction.EDIT in person_actions(user, person)
    return [(s, may_edit and s.valid_to is None) for s in person.statuses.all().order_by("-valid_from")]


def statuses_on(person: Person, day: datetime.date) -> list[PersonStatus]:
    return [
        s for s in person.statuses.all() if s.valid_from <= day and (s.valid_to is None or s.valid_to >= day)
    ]


def person_age(person: Person, day: datetime.date | None = None) -> int:
    return age_on(person.birth_date, day or timezone.localdate())


def shown_person_age(person: Person, day: datetime.date | None = None) -> int:
    """The age a masked view shows: counted from the birth month (core/vault.py)."""
    return shown_age(person.birth_date, day or timezone.localdate())


def derived_groups(person: Person, day: datetime.date | None = None) -> list[str]:
    """Labels shown beside a person: from the shown age, so that they tell no more than it."""
    age = shown_person_age(person, day)
    return [
        label
        for label, code in (
            ("百岁老人", "centenarian"),
            ("高龄", "senior80"),
            ("老年人", "elder"),
            ("婴幼儿", "infant"),
        )
        if _age_in_band(age, population_groups.GROUPS[code])
    ]


def _age_in_band(age: int, grp: PopulationGroup) -> bool:
    return (grp.min_age is None or age >= grp.min_age) and (grp.under_age is None or age < grp.under_age)


def person_history(person: Person) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type="registry.person", object_id=str(person.pk))


def person_history_entries(person: Person, limit: int = 50) -> list[history.HistoryEntry]:
    """The person's latest history in sentences (registry/history.py): who did what, in words."""
    return history.entries(person_history(person)[:limit])


def family_persons(user: Actor) -> QuerySet[Person]:
    """THE persons a resident account may see and act for: themself and those it is linked to as
    family by a consented link (confirmed by the person or recorded by a community worker with the
    evidence seen: `FamilyContact.link_state` ACTIVE). A pending, declined or ended link counts for
    nothing."""
    if not signed_in(user):
        return Person.objects.none()
    # A union of two index lookups: `user = … OR id IN (…)` made the database read every person
    # (a sequential scan of the city's register on each resident page, tests/registry/test_family_persons_plan.py).
    own = Person.objects.filter(user=user).values("pk")
    linked = FamilyContact.objects.filter(user=user, link_state=LinkState.ACTIVE).values("person_id")
    return Person.objects.filter(pk__in=own.union(linked, all=True))


def on_behalf_of(actor: Actor, person: Person) -> dict[str, Any]:
    """The audit detail of an action a linked family member (or parent) takes for `person`:
    `{"on_behalf_of": person id}`, so the trail says the proxy did it for the person; empty when the
    actor is the person themself or not a linked account (staff act in their own name)."""
    if not signed_in(actor) or person.user_id == actor.pk:
        return {}
    linked = FamilyContact.objects.filter(person=person, user=actor, link_state=LinkState.ACTIVE).exists()
    return {"on_behalf_of": person.pk} if linked else {}


def household_members(person: Person) -> list[Person]:
    if not person.household_id:
        return []
    return list(
        Person.objects.filter(household_id=person.household_id)
        .exclude(pk=person.pk)
        .only("id", "name", "birth_date")
    )


def import_job_get(*, user: Viewer, job_id: int) -> ImportJob:
    """An import job, for the account that started it (its report names people by row)."""
    job = ImportJob.objects.filter(pk=job_id, created_by_id=user.pk).first()
    if job is None:
        raise NotFound()
    return job


def import_jobs_of(user: Viewer) -> QuerySet[ImportJob]:
    """The import jobs `user` started, newest first."""
    return ImportJob.objects.filter(created_by_id=user.pk)


PHONE_MATCH_LIMIT = 20  # a shared landline or a care home's number may be many people's


def people_by_phone(
    *, phone: str, user: Actor, perm: str = "registry.view", limit: int = PHONE_MATCH_LIMIT
) -> list[PhoneMatch]:
    """The persons whose own phone is `phone`, then the family contacts whose phone it is (each with
    the person they belong to), inside the regions where `user` holds `perm`; found by the phone's
    blind index (core.vault.phone_index: +86, 0086, spaces and dashes do not matter). An unknown or
    empty number finds nobody (an empty list, never an error)."""
    index = phone_index(phone)
    if not index:
        return []
    today = timezone.localdate()
    people = scope.in_scope(Person.objects.filter(phone_index=index), user, perm)
    found = [
        PhoneMatch(
            person_id=p.pk,
            person_name=p.name,
            region_code=p.region_code,
            age=shown_age(p.birth_date, today),
            phone_masked=p.phone_masked,
        )
        for p in people.only("id", "name", "region_code", "birth_date", "phone_masked").order_by(
            "name", "id"
        )[:limit]
    ]
    contacts = scope.in_scope(FamilyContact.objects.filter(phone_index=index), user, perm).select_related(
        "person"
    )
    found += [
        PhoneMatch(
            person_id=c.person_id,
            person_name=c.person.name,
            region_code=c.person.region_code,
            age=shown_age(c.person.birth_date, today),
            phone_masked=c.phone_masked,
            contact_id=c.pk,
            contact_name=c.name,
            relation=c.relation,
        )
        for c in contacts.only(
            "id",
            "name",
            "relation",
            "phone_masked",
            "person_id",
            "person__name",
            "person__region_code",
            "person__birth_date",
        ).order_by("person__name", "id")[: max(0, limit - len(found))]
    ]
    return found
