"""The resident home page reads a fixed number of queries whatever the records (issue 19, Speed:
"the query count per page fixed"): a family account with two parents, each with visits today, and
a parent with a child with growth checks, both with messages in their inbox. bench/portal_home.py
measures the same page's time under load."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carecircle.portal import services
from carecircle.portal.types import Channel, MessageKind
from carecircle.registry.models import FamilyContact
from tests.conftest import COMMUNITY_A, make_user

pytestmark = pytest.mark.django_db


def _link(person, user):
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        user=user,
        name="家属",
        relation="子女",
        link_state="active",
    )


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    return len(captured.captured_queries), page.content.decode()


def _message(user, n):
    services.message_send(
        key=f"home-q:{user.pk}:{n}",
        kind=MessageKind.NOTICE,
        recipient=user,
        region_code=COMMUNITY_A,
        title=f"通知{n}",
        body="社区活动通知",
        channels=(Channel.INBOX,),
    )


def _visit_today(users, make_person, person):
    from carecircle.homecare.models import Order
    from tests.homecare import scope_factories as homecare

    ctx = type("Ctx", (), {"users": users, "make_person": make_person, "person": person})()
    order = homecare._order(ctx)
    start = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0)
    Order.objects.filter(pk=order.pk).update(
        window_start=start, window_end=start + datetime.timedelta(hours=1)
    )


def test_a_family_with_two_parents_reads_the_same_queries_however_many_visits_and_messages(
    client_for, users, make_person
):
    family = users["resident"]
    mother, father = make_person(age=82, name="王奶奶"), make_person(age=84, name="王爷爷")
    _link(mother, family)
    _link(father, family)
    c = client_for(family)
    rounds = 0

    def add():
        nonlocal rounds
        rounds += 1
        for parent in (mother, father):
            _visit_today(users, make_person, parent)
        _message(family, rounds)

    add()
    _queries(c)  # the session's first write (sign-in marks) is not the page's
    once, html = _queries(c)
    assert html.count("王奶奶") >= 2 and html.count("王爷爷") >= 2 and html.count("尚未派人") == 2
    add()
    add()
    thrice, html = _queries(c)
    assert html.count("尚未派人") == 6
    assert thrice == once


def test_a_parent_with_a_child_reads_the_same_queries_however_many_checks_and_messages(
    client_for, users, make_person
):
    from carecircle.assessment.models import ChildCheck

    parent = make_user("parent_q", "resident", COMMUNITY_A)
    kid = make_person(age=1, name="李小宝")
    _link(kid, parent)
    c = client_for(parent)
    rounds = 0

    def add():
        nonlocal rounds
        rounds += 1
        ChildCheck.objects.create(
            person=kid, region_code=kid.region_code, kind="growth",
            checked_on=timezone.localdate() - datetime.timedelta(days=rounds), age_months=12,
            examiner_name="社区医生", data={}, result="生长发育正常",
        )  # fmt: skip
        _message(parent, rounds)

    add()
    _queries(c)
    once, html = _queries(c)
    assert html.count("生长发育正常") == 1 and "李小宝" in html
    add()
    add()
    thrice, html = _queries(c)
    assert html.count("生长发育正常") == 3
    assert thrice == once


def test_todays_visits_show_their_state_caregiver_and_the_rating_once_served(client_for, users, make_person):
    """今天的服务 (issue 19, item 3): each visit's state in plain words and its caregiver's name as
    the visit goes on; once served, the card offers the rating (查看并评价) instead of changes."""
    from carecircle.homecare.models import Order
    from carecircle.workforce.services import caregiver_create

    family = users["resident"]
    mother = make_person(age=82, name="王奶奶")
    _link(mother, family)
    _visit_today(users, make_person, mother)
    order = Order.objects.get(person=mother)
    c = client_for(family)
    html = c.get(reverse("portal:home")).content.decode()
    assert "尚未派人" in html and "查看、改期或取消" in html
    caregiver = caregiver_create(
        actor=users["admin"],
        organisation_id=order.provider_id,
        region_code=COMMUNITY_A,
        name="赵护理员",
        employed_from=datetime.date(2020, 1, 1),
    )
    Order.objects.filter(pk=order.pk).update(caregiver=caregiver, status="in_service")
    html = c.get(reverse("portal:home")).content.decode()
    assert "赵护理员" in html and "服务中" in html and "尚未派人" not in html
    Order.objects.filter(pk=order.pk).update(status="served")
    html = c.get(reverse("portal:home")).content.decode()
    assert "已服务待确认" in html and "查看并评价" in html
    assert reverse("homecare:order_detail", args=[order.pk]) in html
