"""我要申请 in Chromium at phone size (390×844) in 长辈模式 (issue 19 item 3, "Done when"): `parent`
applies for a 托位 for their infant and `family` asks for a capability assessment of their mother,
each through the pages as a person would; the staff then act (a place offered, an appointment
made) and the apply page shows the new state. Every page on the way is measured against the MIIT
适老化 numbers (tests/portal/measure.js) and axe-core finds no critical or serious violation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.core.roles import Role
from carecircle.registry.models import FamilyContact
from tests.childcare.conftest import months_ago
from tests.conftest import COMMUNITY_A, browser_login, make_user
from tests.portal.test_resident_browser import ELDER, PHONE, _axe, _measure, _switch


def _link(person, user, relation):
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        user=user,
        name=user.display_name,
        relation=relation,
        link_state="active",
    )


def _check(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    found = _measure(page, ELDER) + _axe(page)
    assert not found, f"{where}:\n  " + "\n  ".join(found[:25])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
def test_parent_applies_for_a_place_and_sees_it_offered(page, live_server, users, make_person):
    from carecircle.childcare import services as childcare
    from carecircle.childcare.applications_offer import application_offer
    from carecircle.childcare.models import Application
    from carecircle.facilities.services import facility_apply, filing_review, operator_create
    from tests.facilities.conftest import ALL_DOCS

    parent = make_user("parent", Role.RESIDENT, COMMUNITY_A)
    baby = make_person(birth=months_ago(8), name="王小宝")
    _link(baby, parent, "母亲")
    op = operator_create(
        actor=users["admin"], name="桂花托育集团", credit_code="91330100MA2AAAAA0X", region_code=COMMUNITY_A
    )
    filing = facility_apply(
        actor=users["admin"],
        operator=op,
        kind="childcare_centre",
        name="桂花托育园",
        address="文新路1号",
        region_code=COMMUNITY_A,
        documents=ALL_DOCS,
        latitude=30.29,
        longitude=120.12,
        childcare_places=60,
        childcare_places_puhui=50,
    )
    filing_review(actor=users["admin"], filing=filing, approve=True)
    nursery = filing.facility
    infants = childcare.class_create(
        actor=users["admin"], facility=nursery, name="乳儿一班", band="infant", capacity=10, caregivers=3
    )

    _switch(page, live_server, True)
    browser_login(page, live_server.url, "parent")
    page.goto(f"{live_server.url}{reverse('portal:apply')}")
    _check(page, "apply")
    with page.expect_navigation():
        page.click("a.tile[href$='/apply/childcare/']")
    _check(page, "apply_childcare")
    page.check("#id_child_0")
    page.check("#id_facilities_0")
    start = timezone.localdate() + datetime.timedelta(days=10)
    page.fill("#id_start_wanted", start.isoformat())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert reverse("portal:apply") + "?sent=1" in page.url
    assert "已提交，等待托育机构答复" in page.inner_text("main")
    _check(page, "apply after submitting")
    application = Application.objects.get()
    assert application.child == baby and application.facility == nursery and application.applied_by == parent

    # the centre offers a place; the parent's page follows
    application_offer(actor=users["admin"], application=application, child_class=infants, start_on=start)
    page.reload()
    text = page.inner_text("main")
    assert "已录取入托" in text and "乳儿一班" in text
    _check(page, "apply after the offer")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE)
@pytest.mark.page_errors_allowed  # asking twice is answered 409 on purpose; the browser logs every 4xx
def test_family_asks_for_an_assessment_and_sees_the_appointment(page, live_server, users, make_person):
    from carecircle.assessment import services as assessment
    from carecircle.assessment.models import AssessmentRequest
    from carecircle.portal import applications

    family = make_user("family", Role.RESIDENT, COMMUNITY_A)
    mother = make_person(age=83, name="王奶奶")
    _link(mother, family, "女儿")

    _switch(page, live_server, True)
    browser_login(page, live_server.url, "family")
    page.goto(f"{live_server.url}{reverse('portal:apply')}")
    with page.expect_navigation():
        page.click("a.tile[href$='/apply/assessment/']")
    _check(page, "apply_assessment")
    page.check("#id_person_0")
    page.fill("#id_note", "最近走路不稳")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "已提交，等待受理" in page.inner_text("main")
    _check(page, "apply after asking")
    req = AssessmentRequest.objects.get()
    assert req.person == mother and req.requested_by == family

    # asking again: refused in plain words on the form, nothing saved
    page.goto(f"{live_server.url}{reverse('portal:apply_assessment')}")
    page.check("#id_person_0")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "不用再申请" in page.inner_text("main")
    assert AssessmentRequest.objects.count() == 1

    # the community worker makes the appointment; the page and the inbox say when
    day = timezone.localdate() + datetime.timedelta(days=3)
    before = timezone.now() - datetime.timedelta(seconds=1)
    assessment.assessment_request_accept(actor=users["community"], req=req, appointment_on=day)
    applications.decision_messages(since=before, until=timezone.now() + datetime.timedelta(seconds=1))
    page.goto(f"{live_server.url}{reverse('portal:apply')}")
    text = page.inner_text("main")
    assert "已受理，已预约上门评估" in text and str(day) in text
    _check(page, "apply after the appointment")
    page.goto(f"{live_server.url}{reverse('portal:messages')}")
    assert "能力评估已预约" in page.inner_text("main")
    assert [p for p in page.problems if "status of 409" not in p] == []  # nothing else went wrong
