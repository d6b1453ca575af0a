"""The menu reads no role grants of its own: it uses the grants the request's scope checks keep on
the user object (core/scope.py), organisation kinds included, so rendering a page's menu costs the
one read of the grants for every role (a provider admin or caregiver used to pay a second query on
every page), however many organisations the user acts for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecircle.core import navigation, scope
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role

ROLES = ["admin", "district", "street", "community", "operator", "inspector", "provider", "caregiver"]


def _menu_queries(user: User) -> tuple[list, int, int]:
    fresh = User.objects.get(pk=user.pk)  # as a request loads it: no grants read yet
    with CaptureQueriesContext(connection) as first:
        groups = navigation.groups_for(fresh, "/")
    with CaptureQueriesContext(connection) as again:
        assert navigation.groups_for(fresh, "/") == groups
    return groups, len(first.captured_queries), len(again.captured_queries)


def _act_for(user: User, kind: str, organisation_id: int) -> None:
    RoleGrant.objects.create(
        user=user,
        role=RoleGrant.objects.filter(user=user).first().role,
        region_id="339901000000",
        organisation_kind=kind,
        organisation_id=organisation_id,
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_reads_the_grants_once(users, role):
    groups, first, again = _menu_queries(users[role])
    assert groups
    assert first == 1, f"{role}: the menu ran {first} queries (the grants once expected)"
    assert again == 0, f"{role}: the menu read the grants again ({again} queries)"


@pytest.mark.parametrize("role", ["provider", "caregiver"])
def test_organisation_roles_menu_queries_do_not_grow_with_their_organisations(users, role):
    user = users[role]
    _act_for(user, OrganisationKind.HOMECARE_PROVIDER, 1)
    _, one, _ = _menu_queries(user)
    for n in range(2, 6):
        _act_for(user, OrganisationKind.HOMECARE_PROVIDER, n)
    _act_for(user, OrganisationKind.CHILDCARE_OPERATOR, 7)
    groups, many, again = _menu_queries(user)
    assert (one, many, again) == (1, 1, 0)
    assert groups


def test_the_kept_grants_carry_the_organisation_kind(users):
    user = users["provider"]
    _act_for(user, OrganisationKind.CHILDCARE_OPERATOR, 3)
    fresh = User.objects.get(pk=user.pk)
    assert sorted(scope.role_kinds(fresh)) == [
        (Role.PROVIDER_ADMIN, ""),
        (Role.PROVIDER_ADMIN, OrganisationKind.CHILDCARE_OPERATOR),
    ]


def test_the_menu_is_built_once_per_set_of_grants_and_follows_a_new_grant(users):
    """The menu is kept by the grants it was built for (core/navigation.py): two users holding the
    same grants share one, a user with other grants gets their own, and a new grant shows at once."""
    street, other = users["street"], User.objects.create_user(username="street2", password="x" * 12)
    grant = RoleGrant.objects.filter(user=street).first()
    RoleGrant.objects.create(user=other, role=grant.role, region_id=grant.region_id)
    first = navigation.items_for(User.objects.get(pk=street.pk))
    assert navigation.items_for(User.objects.get(pk=other.pk)) is first
    operator = navigation.items_for(User.objects.get(pk=users["operator"].pk))
    assert {i["name"] for i in operator} != {i["name"] for i in first}
    RoleGrant.objects.create(user=other, role=Role.OPERATOR, region_id="339901000000")
    grown = navigation.items_for(User.objects.get(pk=other.pk))
    assert {i["name"] for i in grown} == {i["name"] for i in first} | {i["name"] for i in operator}
