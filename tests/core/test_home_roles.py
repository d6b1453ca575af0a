"""Each role's home page leads with its work (issue 17, item 4): the first card, and its link, is the
role's main job — as the demo accounts hold their roles (tests/core/test_menus.py's personas)."""

import re

import pytest
from django.urls import reverse

from carecircle.core.roles import Role
from tests.core.test_menus import PERSONAS

FIRST_CARD = re.compile(r'<section class="card[^"]*">\s*<h2>([^<]*)</h2>(.*?)</section>', re.S)
FIRST_TILE = re.compile(
    r'<a class="tile[^"]*" href="([^"]+)"[^>]*>\s*<span class="tile-title">(?:<span[^>]*>[^<]*</span>)?([^<]*)</span>'
)
LINK = re.compile(r'<p><a href="([^"]+)">[^<]*→</a></p>')

# persona (demo account) -> the first card's title and where its link leads
EXPECTED = {
    Role.CITY_ADMIN: ("规划与指标", "planning:index"),  # admin: the indicators against their targets
    Role.DISTRICT_OFFICIAL: ("规划与指标", "planning:index"),  # district
    Role.STREET_WORKER: ("辖区人员", "registry:person_list"),  # street: the register
    Role.COMMUNITY_WORKER: ("探访关爱（本月）", "carevisits:worklist"),  # community: the visit round
    "provider_admin of a home-care provider": ("今日居家服务", "homecare:order_list"),  # provider
    "caregiver of a home-care provider": ("我今天的服务", "homecare:my_visits"),  # caregiver
    Role.OPERATOR: ("呼叫平台", "alarms:console"),  # operator: the alarm console
    Role.INSPECTOR: ("养老托育设施", "facilities:list"),  # inspector: what it supervises
    Role.RESIDENT: ("一键呼叫", "portal:sos_confirm"),  # family: the residents' home of big tiles (issue 19)
    "provider_admin of a facility operator": ("入住办理", "facilities:waiting_find"),  # facility
}


def first_card(html: str) -> tuple[str, str]:
    found = FIRST_CARD.search(html)
    assert found, "the home page shows no card"
    link = LINK.search(found.group(2))
    return found.group(1).strip(), link.group(1).split("?")[0] if link else ""


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_the_first_card_is_the_roles_main_job(persona, users, client_for, make_person):
    from carecircle.registry.models import FamilyContact

    user = PERSONAS[persona](users)
    if persona == Role.RESIDENT:  # the family account is a contact of an older person
        FamilyContact.objects.create(
            person=make_person(age=82, name="家中老人"), name="子女", user=user, link_state="active"
        )
    r = client_for(user).get("/")
    if persona == Role.RESIDENT:  # a resident lands on their own home page of big tiles
        assert (r.status_code, r.url) == (302, reverse("portal:home"))
        found = FIRST_TILE.search(client_for(user).get(r.url).content.decode())
        assert found, "the residents' home shows no tile"
        assert (found.group(2).strip(), found.group(1).split("?")[0]) == (
            "一键呼叫",
            reverse("portal:sos_confirm"),
        )
        return
    assert r.status_code == 200
    title, link = first_card(r.content.decode())
    expected_title, expected_link = EXPECTED[persona]
    assert (title, link) == (expected_title, reverse(expected_link)), persona


def test_every_demo_role_is_covered():
    assert {str(r) for r in Role} - {Role.PROVIDER_ADMIN, Role.CAREGIVER} <= set(EXPECTED)
