"""The time bank's tile on the resident home page (portal/tiles.py): it leads to the older person's
time-bank page and shows the linked older persons' hours, read in one query however many persons
and hours there are; a parent of infants only does not get it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carecircle.timebank import services
from tests.timebank.helpers import account, elder_with_account, link, served, volunteer

pytestmark = pytest.mark.django_db


def _home(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    return len(captured.captured_queries), page.content.decode()


def _gift(vol, person, hours: str, token: str):
    services.hours_give(actor=vol.user, person=person, hours=Decimal(hours), token=token)


def test_the_tile_shows_the_older_persons_hours_in_one_query(make_person, client_for):
    son = volunteer("son", age=46, name="陈志愿")
    mother = make_person(age=84, name="陈母亲")
    link(son.user, mother)
    elder = elder_with_account(make_person, "elder1", age=80)
    req = services.request_post(
        actor=elder.user, person=elder, kind="reading", wanted_on=timezone.localdate(), hours="3"
    )
    served(req, son, elder.user, hours="3")
    family = account("family")
    link(family, mother)
    c = client_for(family)
    c.get(reverse("portal:home"))  # the session's first write is not the page's
    before, html = _home(c)
    assert 'id="tile-timebank"' in html and f'href="{reverse("timebank:mine")}"' in html
    assert "请志愿者帮忙，或做志愿者存时间" in html
    _gift(son, mother, "2", "tile-1")
    father = make_person(age=86, name="陈父亲")
    link(family, father)
    link(son.user, father)
    _gift(son, father, "0.5", "tile-2")
    after, html = _home(c)
    assert "时间余额2.5小时" in html
    assert after == before  # one more person, two accounts with hours: the same queries
    own = client_for(elder.user)
    own.get(reverse("portal:home"))
    _count, html = _home(own)
    assert 'id="tile-timebank"' in html  # her own account: the tile, with nothing given to her yet


def test_a_parent_of_infants_only_gets_no_time_bank_tile(make_person, client_for):
    parent = account("parent_tb")
    link(parent, make_person(age=1, name="李小宝"))
    _count, html = _home(client_for(parent))
    assert 'id="tile-timebank"' not in html
