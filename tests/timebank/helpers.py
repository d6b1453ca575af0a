"""A volunteer, an older person with their own account and a relative, and a request between them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from carecircle.core.models import RoleGrant, User
from carecircle.core.roles import Role
from carecircle.registry.models import FamilyContact
from carecircle.timebank import services
from tests.conftest import COMMUNITY_A, PASSWORD


def account(username: str, region_code: str = COMMUNITY_A) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    RoleGrant.objects.create(user=user, role=Role.RESIDENT, region_id=region_code)
    return user


def volunteer(username: str = "vol", region_code: str = COMMUNITY_A, age: int = 30, name: str = "李志愿"):
    user = account(username, region_code)
    birth = timezone.localdate() - datetime.timedelta(days=365 * age + 30)
    return services.volunteer_register(
        actor=user,
        name=name,
        birth_date=birth,
        phone="13900002222",
        region_code=region_code,
        skills=["companionship", "shopping"],
        availability="周末",
    )


def elder_with_account(make_person, username: str = "elder1", age: int = 80, region_code: str = COMMUNITY_A):
    person = make_person(age=age, region_code=region_code, name=f"老人{username}")
    person.user = account(username, region_code)
    person.save(update_fields=["user"])
    return person


def link(user: User, person) -> None:
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        user=user,
        name=user.username,
        relation="子女",
        link_state="active",
    )


def served(req, vol, confirmer, hours: str = "2"):
    """Take, check in, check out, confirm: the whole round."""
    services.request_take(actor=vol.user, help_request=req)
    services.request_check_in(actor=vol.user, help_request=req, latitude="30.28", longitude="120.13")
    services.request_check_out(actor=vol.user, help_request=req, latitude="30.28", longitude="120.13")
    return services.request_confirm(actor=confirmer, help_request=req, hours=Decimal(hours))
