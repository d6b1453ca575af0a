"""Scope-walk factories for the portal's path parameters (tests/scopewalk.py)."""

import itertools

_n = itertools.count(1)


def make_link_in_region_a(ctx):
    """A pending link of a new family account to the walk's person, whose own account is the walk's
    resident user (as the personas' walk makes it: tests/test_scope_walk_insider.py), so that the
    person may confirm or decline it and the community's staff verify or end it."""
    from django.utils import timezone

    from carecircle.core.models import User
    from carecircle.registry.models import FamilyContact

    person = ctx.person
    if person.user_id is None:
        person.user = ctx.users["resident"]
        person.save(update_fields=["user"])
    family = User.objects.create_user(username=f"walk-family-{next(_n)}-{person.pk}", display_name="走查家属")
    return FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        name="走查家属",
        relation="女儿",
        user=family,
        link_requested_at=timezone.now(),
    ).pk


def make_message_in_region_a(ctx):
    """A message in the inbox of the walk's resident user (region A): only they may mark it read."""
    from django.utils import timezone

    from carecircle.portal.models import Message

    return Message.objects.create(
        key=f"walk:{next(_n)}",
        kind="notice",
        recipient=ctx.users["resident"],
        region_code=ctx.person.region_code,
        title="走查消息",
        body="走查",
        created_at=timezone.now(),
        in_inbox=True,
    ).pk


FACTORIES = {"link_id": make_link_in_region_a, "message_id": make_message_in_region_a}
