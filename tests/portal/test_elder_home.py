"""The resident home page (issue 19 item 3), 一键呼叫 through the alarm centre, 长辈模式's rule
(portal/elder.py) and the switch, and a resident's scope: another family's person is refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carecircle.alarms.models import Incident, Source, TimelineEntry
from carecircle.core.models import AuditEvent
from carecircle.portal import elder
from carecircle.registry.models import FamilyContact
from tests.conftest import COMMUNITY_B, make_user

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


@pytest.fixture
def family(users, make_person):
    """The resident account `users["resident"]`, linked to an 82-year-old mother."""
    mother = make_person(age=82, name="王奶奶", latitude=30.27, longitude=120.15)
    _link(mother, users["resident"])
    return mother


def test_a_resident_lands_on_the_portal_home_after_sign_in(client_for, users, family):
    response = client_for(users["resident"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client_for(users["street"]).get("/").status_code == 200  # staff keep their cards


def test_the_home_page_has_the_big_tiles_and_names_the_linked_person(client_for, users, family):
    page = client_for(users["resident"]).get(reverse("portal:home"))
    assert page.status_code == 200
    html = page.content.decode()
    for title in ("一键呼叫", "我的补贴", "预约服务", "今天的服务", "附近设施", "我要申请"):
        assert title in html
    assert "王奶奶" in html
    assert "长辈模式" in html  # the switch at the top


def test_staff_without_linked_persons_are_refused_the_resident_home(client_for, users):
    assert client_for(users["street"]).get(reverse("portal:home")).status_code == 403


def test_sos_confirm_then_raise_then_state(client_for, users, family):
    c = client_for(users["resident"])
    confirm = c.get(reverse("portal:sos_confirm"))
    assert "确定，为王奶奶呼叫" in confirm.content.decode()
    assert Incident.objects.count() == 0  # the first press only asks
    raised = c.post(reverse("portal:sos_raise"), {"person_id": family.pk})
    incident = Incident.objects.get()
    assert raised["Location"] == reverse("portal:sos_state", args=[incident.pk])
    assert (incident.person, incident.source, incident.kind) == (family, Source.PHONE, "sos")
    assert TimelineEntry.objects.filter(incident=incident, text__contains="居民通过长辈模式页面").exists()
    assert AuditEvent.objects.filter(action="alarms.incident_open").count() == 1
    state = c.get(raised["Location"]).content.decode()
    assert "已收到呼叫" in state and "等待呼叫中心接听" in state
    # a second press answers the same incident
    again = c.post(reverse("portal:sos_raise"), {"person_id": family.pk})
    assert again["Location"] == raised["Location"] and Incident.objects.count() == 1


def test_sos_from_an_account_without_a_linked_person_is_refused_in_plain_words(client_for, users):
    c = client_for(users["resident"])
    assert "还没有关联老人" in c.get(reverse("portal:sos_confirm")).content.decode()
    refused = c.post(reverse("portal:sos_raise"), {"person_id": 1})
    assert refused.status_code == 403
    assert "还没有关联老人" in refused.content.decode()
    assert Incident.objects.count() == 0


def test_another_familys_person_and_incident_are_refused(client_for, users, family, make_person):
    other_user = make_user("other_family", "resident", COMMUNITY_B)
    stranger = make_person(age=79, name="李爷爷", region_code=COMMUNITY_B)
    _link(stranger, other_user)
    c = client_for(users["resident"])
    assert c.post(reverse("portal:sos_raise"), {"person_id": stranger.pk}).status_code == 404
    assert Incident.objects.count() == 0
    client_for(other_user).post(reverse("portal:sos_raise"), {"person_id": stranger.pk})
    theirs = Incident.objects.get()
    assert c.get(reverse("portal:sos_state", args=[theirs.pk])).status_code == 404
    assert "李爷爷" not in c.get(reverse("portal:home")).content.decode()
    assert "李爷爷" not in c.get(reverse("portal:nearby") + f"?person={stranger.pk}").content.decode()


def test_elder_mode_default_cookie_and_account_preference(rf, users, make_person, client_for):
    older = make_user("oldself", "resident", "339901001001")
    me = make_person(age=70, name="自己")
    me.user = older
    me.save(update_fields=["user"])
    request = rf.get("/")
    request.user = older
    assert elder.elder_mode(request) is True  # an older person's own account: on by default
    request = rf.get("/")
    request.user = users["resident"]
    assert elder.elder_mode(request) is False  # a family member's account: off by default
    request = rf.get("/", HTTP_COOKIE=f"{elder.COOKIE}=1")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert elder.elder_mode(request) is True  # the sign-in page's switch, before signing in
    c = client_for(older)
    c.post(reverse("portal:elder_switch"), {"on": "0", "next": "/portal/"})
    request = rf.get("/", HTTP_COOKIE=f"{elder.COOKIE}=1")
    request.user = older
    assert elder.elder_mode(request) is False  # the account's own choice wins over the cookie


def test_the_switch_is_on_the_sign_in_page_and_sets_the_cookie(client):
    login = client.get(reverse("core:login")).content.decode()
    assert "开启长辈模式" in login and 'action="/portal/elder/"' in login
    response = client.post(reverse("portal:elder_switch"), {"on": "1", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert response.cookies[elder.COOKIE].value == "1"
    assert "portal/elder.css" in client.get(reverse("core:login")).content.decode()
    assert client.post(reverse("portal:elder_switch"), {"on": "1", "next": "https://evil.example/"})[
        "Location"
    ] == reverse("portal:public_index")


def test_existing_resident_pages_get_the_switch_and_resident_style(client_for, users, family):
    c = client_for(users["resident"])
    for url in ("/benefits/mine/", "/map/my-waiting/", "/homecare/new/"):
        html = c.get(url).content.decode()
        assert "portal/resident.css" in html and 'id="elder-bar"' in html, url


def test_home_page_query_count_does_not_grow_with_records(client_for, users, family, make_person):
    """The home page reads a fixed number of queries however many visits today, children's checks
    and incidents there are (issue 19: the query count per page fixed)."""
    import datetime

    from django.utils import timezone

    from carecircle.assessment.models import ChildCheck
    from carecircle.homecare.models import Order
    from tests.homecare import scope_factories as homecare

    kid = make_person(age=1, name="王小宝")
    _link(kid, users["resident"])
    ctx = type("Ctx", (), {"users": users, "make_person": make_person, "person": family})()
    c = client_for(users["resident"])

    made = []

    def add_records():
        made.append(1)
        order = homecare._order(ctx)
        start = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0)
        Order.objects.filter(pk=order.pk).update(
            window_start=start, window_end=start + datetime.timedelta(hours=1)
        )
        ChildCheck.objects.create(
            person=kid,
            region_code=kid.region_code,
            kind="growth",
            checked_on=timezone.localdate() - datetime.timedelta(days=len(made)),
            age_months=12,
            examiner_name="社区医生",
            data={},
            result="生长发育正常",
        )

    def count():
        with CaptureQueriesContext(connection) as captured:
            page = c.get(reverse("portal:home"))
        assert page.status_code == 200
        return len(captured.captured_queries), page.content.decode()

    add_records()
    count()  # the session's first write (sign-in marks) is not the page's
    once, html = count()
    assert html.count("生长发育正常") == 1 and html.count("尚未派人") == 1
    add_records()
    add_records()
    thrice, html = count()
    assert html.count("生长发育正常") == 3 and html.count("尚未派人") == 3
    assert thrice == once
