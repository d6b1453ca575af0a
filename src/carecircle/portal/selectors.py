"""Reads of the residents' side. Other modules (and the portal's own pages) import these.

The people an account may see and act for are `registry.selectors.family_persons(user)` (active,
consented links only); this module reads the links themselves, for the account's page and the
community worker's page of a person, and says what a user may do with one (`link_actions`)."""

from __future__ import annotations

import enum

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import Conflict, Forbidden, NotFound
from carecircle.core.types import Actor, signed_in
from carecircle.portal.elder import OLDER_FROM as OLDER_FROM
from carecircle.portal.models import ResidentProfile
from carecircle.registry.models import FamilyContact, LinkState, Person


def profile_elder_mode(user: Actor) -> bool | None:
    """The account's own 长辈模式 choice: True or False when it made one, None when it made none
    (the page then follows the browser's cookie, else on for an older person's own account:
    portal/elder.py)."""
    if not signed_in(user):
        return None
    return ResidentProfile.objects.filter(user=user).values_list("elder_mode", flat=True).first()


def profile_of(user: Actor) -> ResidentProfile | None:
    if not signed_in(user):
        return None
    return ResidentProfile.objects.filter(user=user).first()


class LinkAction(enum.StrEnum):
    """What a user may do with a link between an account and a person."""

    CONFIRM = "confirm"  # the person's own account accepts a pending request
    DECLINE = "decline"  # … or turns it down
    VERIFY = "verify"  # a community worker confirms a pending request with the evidence seen
    END = "end"  # either side (or the worker) ends a link or withdraws a request


_STATES: dict[LinkAction, frozenset[str]] = {
    LinkAction.CONFIRM: frozenset({LinkState.PENDING}),
    LinkAction.DECLINE: frozenset({LinkState.PENDING}),
    LinkAction.VERIFY: frozenset({LinkState.PENDING}),
    LinkAction.END: frozenset({LinkState.PENDING, LinkState.ACTIVE}),
}


def link_action_open(link: FamilyContact, action: LinkAction) -> bool:
    return link.user_id is not None and link.link_state in _STATES[action]


def _is_worker(user: Actor, link: FamilyContact) -> bool:
    return scope.has_perm(user, "registry.edit", link.region_code)


def _who_may(user: Actor, link: FamilyContact, action: LinkAction) -> bool:
    if not signed_in(user):
        return False
    is_person = link.person.user_id == user.pk
    if action in (LinkAction.CONFIRM, LinkAction.DECLINE):
        return is_person
    if action == LinkAction.VERIFY:
        return _is_worker(user, link)
    return is_person or link.user_id == user.pk or _is_worker(user, link)


def link_actions(user: Actor, link: FamilyContact) -> frozenset[LinkAction]:
    """The one rule of what `user` may do with `link`: the state allows it and the user is the
    side that may (the page shows these buttons; the services refuse the rest)."""
    return frozenset(a for a in LinkAction if link_action_open(link, a) and _who_may(user, link, a))


def require_link_action(user: Actor, link: FamilyContact, action: LinkAction) -> None:
    if not _who_may(user, link, action):
        # one who may see the link is told no (403); anyone else learns nothing of it (404)
        visible = _is_party(user, link) or scope.has_perm(user, "registry.view", link.region_code)
        raise Forbidden() if visible else NotFound()
    if not link_action_open(link, action):
        raise Conflict(_state_message(link))


def _state_message(link: FamilyContact) -> str:
    return _("这条关联现在是“%(s)s”，不能这样操作") % {"s": LinkState(link.link_state).label}


def _is_party(user: Actor, link: FamilyContact) -> bool:
    return signed_in(user) and (link.user_id == user.pk or link.person.user_id == user.pk)


def _check_link(user: Actor, perm: str, link: FamilyContact) -> None:
    """A party to the link (the family side or the person's own account), or staff of the
    person's community; anyone else meets a 404, as for any row they may not see."""
    if _is_party(user, link):
        return
    if not scope.has_perm(user, perm, link.region_code):
        raise NotFound()


def link_get(*, user: Actor, link_id: object) -> FamilyContact:
    rows = FamilyContact.objects.select_related("person", "user").filter(user__isnull=False)
    return access_by_id(rows, link_id, user=user, perm="registry.view", check=_check_link)


def my_links(user: Actor) -> QuerySet[FamilyContact]:
    """The links this account asked for or holds as family (every state but a declined one it may
    ask again), the person named."""
    if not signed_in(user):
        return FamilyContact.objects.none()
    return (
        FamilyContact.objects.filter(user=user)
        .exclude(link_state=LinkState.ENDED)
        .select_related("person")
        .order_by("link_state", "person__name", "id")
    )


def links_to_me(user: Actor) -> QuerySet[FamilyContact]:
    """The requests and links of others to this account's own person (the older person's side)."""
    if not signed_in(user):
        return FamilyContact.objects.none()
    return (
        FamilyContact.objects.filter(person__user=user, user__isnull=False)
        .filter(Q(link_state=LinkState.PENDING) | Q(link_state=LinkState.ACTIVE))
        .select_related("user", "person")
        .order_by("link_state", "id")
    )


def person_links(*, user: Actor, person: Person) -> QuerySet[FamilyContact]:
    """A person's account links as their community's staff see them (the person's page)."""
    scope.require(user, "registry.view", person.region_code)
    return (
        FamilyContact.objects.filter(person=person, user__isnull=False)
        .select_related("user", "link_decided_by", "link_ended_by")
        .order_by("link_state", "-link_requested_at", "id")
    )


def own_person(user: Actor) -> Person | None:
    """The person whose own account this is, if any."""
    if not signed_in(user):
        return None
    return Person.objects.filter(user=user).only("id", "name", "region_code", "birth_date").first()
