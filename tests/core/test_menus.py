"""Menus that fit the role (issue 17, item 4): every role's menu, walked from its home page, opens
pages that answer it (no 403, 404 or 500), and no entry leads to a page that can only be empty for
the role (a home-care provider's admin has no facility, so no 托育 or 入住轮候 menu)."""

import datetime
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind
from carecircle.core.roles import Role
from tests.conftest import COMMUNITY_A, PASSWORD

NAV = re.compile(r'<nav class="mainnav">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')
GROUP = re.compile(
    r'<div class="navgroup[^"]*"[^>]*><span class="navlabel">([^<]*)</span>\s*'
    r'<div class="navmenu">(.*?)</div></div>',
    re.S,
)
DISTRICT_A = "339901000000"


def menu(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """The menu's links, and each drop-down group's label with its links."""
    found = NAV.search(html)
    assert found, "the home page has no menu"
    nav = found.group(1)
    groups = {label.replace("▾", "").strip(): HREF.findall(body) for label, body in GROUP.findall(nav)}
    return HREF.findall(nav), groups


def _provider(admin: User) -> int:
    from carecircle.homecare.services import provider_create

    return provider_create(
        actor=admin,
        name="菜单测试居家服务机构",
        licence_no="MENU000001",
        region_code=DISTRICT_A,
        areas=[DISTRICT_A],
    ).pk


def _operator(admin: User) -> int:
    from carecircle.facilities import services

    return services.operator_create(
        actor=admin, name="菜单测试运营方", credit_code="91330100MA2MENU00X", region_code=COMMUNITY_A
    ).pk


def _acting_for(username: str, role: str, kind: str, organisation_id: int) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    RoleGrant.objects.create(
        user=user, role=role, region_id=DISTRICT_A, organisation_kind=kind, organisation_id=organisation_id
    )
    return user


def _caregiver(users: dict[str, User]) -> User:
    from carecircle.workforce.services import caregiver_create

    provider_id = _provider(users["admin"])
    user = _acting_for("menu_caregiver", Role.CAREGIVER, OrganisationKind.HOMECARE_PROVIDER, provider_id)
    caregiver_create(
        actor=users["admin"],
        organisation_id=provider_id,
        region_code=COMMUNITY_A,
        name="菜单护理员",
        employed_from=datetime.date(2020, 1, 1),
        user=user,
    )
    return user


# Every role of core/roles.py as the tests' users hold it (a grant over a region), and the
# organisation roles also as they work: acting for a home-care provider, a facility operator or a
# childcare operator.
PERSONAS: dict[str, Callable[[dict[str, User]], User]] = {
    **{
        role: (lambda users, name=name: users[name])
        for role, name in [
            (Role.CITY_ADMIN, "admin"),
            (Role.DISTRICT_OFFICIAL, "district"),
            (Role.STREET_WORKER, "street"),
            (Role.COMMUNITY_WORKER, "community"),
            (Role.PROVIDER_ADMIN, "provider"),
            (Role.CAREGIVER, "caregiver"),
            (Role.OPERATOR, "operator"),
            (Role.INSPECTOR, "inspector"),
            (Role.RESIDENT, "resident"),
        ]
    },
    "provider_admin of a home-care provider": lambda users: _acting_for(
        "menu_homecare", Role.PROVIDER_ADMIN, OrganisationKind.HOMECARE_PROVIDER, _provider(users["admin"])
    ),
    "provider_admin of a facility operator": lambda users: _acting_for(
        "menu_facility", Role.PROVIDER_ADMIN, OrganisationKind.FACILITY_OPERATOR, _operator(users["admin"])
    ),
    "provider_admin of a childcare operator": lambda users: _acting_for(
        "menu_childcare", Role.PROVIDER_ADMIN, OrganisationKind.CHILDCARE_OPERATOR, _operator(users["admin"])
    ),
    "caregiver of a home-care provider": _caregiver,
}


def test_every_role_is_walked() -> None:
    assert {str(r) for r in Role} <= set(PERSONAS)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_menu_entry_opens_for_the_role(persona, users, client_for) -> None:
    user = PERSONAS[persona](users)
    client = client_for(user)
    home = client.get("/", follow=True)  # a resident lands on the portal's home page (portal:home)
    assert home.status_code == 200
    links, groups = menu(home.content.decode())
    assert links, f"{persona}: an empty menu"
    assert all(groups.values()), f"{persona}: an empty menu group: {groups}"
    refused = {}
    for url in links:
        answer = client.get(url, follow=True)  # an index may lead on to the user's own region
        landed = answer.redirect_chain[-1][0] if answer.redirect_chain else url
        if answer.status_code != 200 or landed.startswith(("/accounts/login/", "/accounts/otp/")):
            refused[url] = (answer.status_code, landed)
    assert not refused, f"{persona}: menu entries that do not open: {refused}"


# The tester's finding: a home-care provider's admin saw 托育 and 入住轮候 menus over pages that can
# only be empty for it (it has no facility), and a facility operator's admin the orders of home care.
NOT_FOR = {
    "provider_admin of a home-care provider": [
        "childcare:classes",
        "childcare:vouchers",
        "facilities:waiting",
        "facilities:list",
    ],
    "provider_admin of a facility operator": ["homecare:order_list"],
    "provider_admin of a childcare operator": ["homecare:order_list", "facilities:waiting"],
    "caregiver of a home-care provider": ["childcare:classes", "facilities:waiting", "facilities:list"],
}
ONLY_FOR = {
    "provider_admin of a home-care provider": ["homecare:order_list"],
    "provider_admin of a facility operator": ["facilities:list", "facilities:waiting", "childcare:classes"],
    "provider_admin of a childcare operator": ["facilities:list", "childcare:classes"],
    "caregiver of a home-care provider": ["homecare:order_list"],
}


@pytest.mark.parametrize("persona", list(NOT_FOR))
def test_an_organisation_sees_the_menus_of_its_kind_only(persona, users, client_for) -> None:
    from django.urls import reverse

    links, _groups = menu(client_for(PERSONAS[persona](users)).get("/").content.decode())
    assert not {reverse(name) for name in NOT_FOR[persona]} & set(links), persona
    assert {reverse(name) for name in ONLY_FOR[persona]} <= set(links), persona


MAIN = re.compile(r"<main[^>]*>(.*?)</main>", re.S)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_the_links_on_every_menu_page_open_for_the_role(persona, users, client_for, make_person) -> None:
    """One step further: what a menu page offers (its links) opens too. The operator's 需求评估 pages
    offered 待评估的高龄老人, 为任一老人评估, 儿童筛查 and 记录筛查, which need assessment.record (403)."""
    from tests.assessment.scope_factories import assessment_id, check_id

    rows = SimpleNamespace(users=users, make_person=make_person)
    assessment_id(rows)  # a row in 能力评估 and one in 儿童筛查转介 (a hearing check to refer)
    check_id(rows)  # no home-care provider: an official's 派单 says there is none (it answered 404)
    user = PERSONAS[persona](users)
    client = client_for(user)
    links, _groups = menu(client.get("/", follow=True).content.decode())
    refused = {}
    for url in links:
        body = MAIN.search(client.get(url, follow=True).content.decode())
        for link in set(HREF.findall(body.group(1) if body else "")):
            link = link.replace("&amp;", "&")
            if link.startswith("/") and not link.startswith("/static/"):
                code = client.get(link).status_code
                if code in (403, 404) or code >= 500:
                    refused[link] = (code, url)
    assert not refused, f"{persona}: links on menu pages that do not open (answer, page): {refused}"
