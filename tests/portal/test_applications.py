"""我要申请 (issue 19 item 3): a capability assessment, a waiting-list place and a 托位, each applied for
by the person or a linked family member, answered by the staff who may, and followed on the apply
page. Bad input is a 4xx with a plain Chinese message and nothing half-saved; another family's
person is refused; staff outside the region are refused and the insider succeeds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.assessment import selectors as assessment_selectors
from carecircle.assessment import services as assessment
from carecircle.assessment.models import AssessmentRequest
from carecircle.childcare import applications as childcare_apps
from carecircle.childcare import services as childcare
from carecircle.childcare.applications_offer import application_offer
from carecircle.childcare.models import Application, Enrolment
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import AuditEvent, User
from carecircle.facilities import services as facilities
from carecircle.facilities.models import WaitingEntry
from carecircle.portal import applications
from carecircle.portal.models import Message
from carecircle.registry.models import FamilyContact
from tests.assessment.test_capability import FULL
from tests.childcare.conftest import months_ago
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)


def _link(person, user, relation="子女"):
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        user=user,
        name=user.username,
        relation=relation,
        link_state="active",
    )


@pytest.fixture
def family(users):
    return User.objects.create_user(username="family-x", password="x", display_name="王小明")


@pytest.fixture
def other_family(users, make_person):
    """Another family: an account linked to its own older person."""
    user = User.objects.create_user(username="family-y", password="x", display_name="李四")
    _link(make_person(age=78, name="李爷爷"), user)
    return user


@pytest.fixture
def mother(make_person, family):
    p = make_person(age=82, name="王奶奶")
    _link(p, family)
    return p


@pytest.fixture
def baby(make_person, family):
    p = make_person(birth=months_ago(8), name="王小宝")
    _link(p, family, "父母")
    return p


@pytest.fixture
def new_facility(make_facility):  # noqa: F811
    return make_facility


@pytest.fixture
def nursery(new_facility):
    return new_facility("childcare_centre", name="桂花托育园", childcare_places=60, childcare_places_puhui=50)


@pytest.fixture
def toddlers(users, nursery):
    return childcare.class_create(
        actor=users["admin"], facility=nursery, name="乳儿一班", band="infant", capacity=10, caregivers=3
    )


def _audits(action):
    return AuditEvent.objects.filter(action=action).count()


# ------------------------------------------------------------------ capability assessment


def test_assessment_request_submit_accept_message_and_done(users, family, mother):
    req = assessment.assessment_request_submit(actor=family, person=mother, note="最近常跌倒")
    assert req.state == "submitted" and req.region_code == mother.region_code
    event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_REQUEST_SUBMIT)
    assert event.detail.get("on_behalf_of") == mother.pk  # the proxy acted for the person

    # a second request while the first is open: "already holds" in plain words, nothing saved
    with pytest.raises(Conflict) as exc:
        assessment.assessment_request_submit(actor=family, person=mother)
    assert "已有一份正在办理的评估申请" in str(exc.value.message)
    assert AssessmentRequest.objects.count() == 1

    day = timezone.localdate() + datetime.timedelta(days=3)
    before = timezone.now() - datetime.timedelta(seconds=1)
    assessment.assessment_request_accept(actor=users["community"], req=req, appointment_on=day)
    req.refresh_from_db()
    assert req.state == "accepted" and req.appointment_on == day and req.decided_by == users["community"]

    # the portal tells the applicant once, however often its sweep runs
    until = timezone.now() + datetime.timedelta(seconds=1)
    assert applications.decision_messages(since=before, until=until) == 1
    assert applications.decision_messages(since=before, until=until) == 0
    message = Message.objects.get(recipient=family)
    assert message.kind == "assessment_appointment" and f"{day.month}月{day.day}日" in message.body

    # an assessment recorded for the person closes the request
    record = assessment.assessment_record(
        actor=users["community"], person=mother, assessed_on=timezone.localdate(), answers=FULL
    )
    req.refresh_from_db()
    assert req.state == "done" and req.assessment_id == record.pk
    # and a new request may be made afterwards
    assert assessment.assessment_request_submit(actor=family, person=mother).state == "submitted"


def test_assessment_request_refusals(users, family, other_family, mother, make_person):
    # another family's person: refused, nothing saved
    with pytest.raises(Forbidden) as exc:
        assessment.assessment_request_submit(actor=other_family, person=mother)
    assert "没有关联此人" in str(exc.value.message)
    # a child is not assessed for capability
    young = make_person(birth=months_ago(20))
    _link(young, family, "父母")
    with pytest.raises(InvalidInput) as exc:
        assessment.assessment_request_submit(actor=family, person=young)
    assert "60周岁" in str(exc.value.message)
    assert AssessmentRequest.objects.count() == 0

    req = assessment.assessment_request_submit(actor=family, person=mother)
    # staff outside the region are refused; the family cannot accept their own request
    for outsider in (users["community_b"], users["street_b"], family):
        with pytest.raises((Forbidden, NotFound)):
            assessment.assessment_request_accept(actor=outsider, req=req, appointment_on=timezone.localdate())
    # a refusal needs its reason; a date in the past is refused
    with pytest.raises(InvalidInput) as exc:
        assessment.assessment_request_refuse(actor=users["community"], req=req, reason="  ")
    assert exc.value.field == "reason" and "原因" in str(exc.value.message)
    with pytest.raises(InvalidInput) as exc:
        assessment.assessment_request_accept(
            actor=users["community"],
            req=req,
            appointment_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert exc.value.field == "appointment_on"
    req.refresh_from_db()
    assert req.state == "submitted" and _audits(AuditAction.ASSESSMENT_REQUEST_REFUSE) == 0

    assessment.assessment_request_refuse(actor=users["community"], req=req, reason="上月已评估，结果有效")
    with pytest.raises(Conflict):  # answered once
        assessment.assessment_request_accept(
            actor=users["community"], req=req, appointment_on=timezone.localdate()
        )
    # the staff list: insider sees it, outsider does not
    assert assessment_selectors.request_list(user=users["street"]).count() == 1
    assert assessment_selectors.request_list(user=users["street_b"]).count() == 0


def test_assessment_pages_staff_and_resident(users, family, mother, client_for):
    req = assessment.assessment_request_submit(actor=family, person=mother)
    staff = client_for(users["community"])
    page = staff.get(reverse("assessment:requests"))
    assert page.status_code == 200 and "王奶奶" in page.content.decode() and "共" in page.content.decode()
    export = staff.get(reverse("assessment:requests"), {"export": "xlsx"})
    assert export.status_code in (200, 302)
    # an empty refusal: 422 with the message, the state unchanged
    bad = staff.post(reverse("assessment:request_refuse", args=[req.pk]), {"reason": ""})
    assert bad.status_code == 422 and "请填写不予受理的原因" in bad.content.decode()
    outsider = client_for(users["community_b"])
    assert outsider.post(
        reverse("assessment:request_accept", args=[req.pk]), {"appointment_on": str(timezone.localdate())}
    ).status_code in (403, 404)
    ok = staff.post(
        reverse("assessment:request_accept", args=[req.pk]),
        {"appointment_on": str(timezone.localdate() + datetime.timedelta(days=2))},
    )
    assert ok.status_code == 302
    resident = client_for(family).get(reverse("portal:apply"))
    body = resident.content.decode()
    assert resident.status_code == 200 and "已受理，已预约上门评估" in body and "王奶奶" in body


def test_resident_assessment_form(family, other_family, mother, client_for):
    c = client_for(family)
    assert c.get(reverse("portal:apply_assessment")).status_code == 200
    r = c.post(reverse("portal:apply_assessment"), {"person": mother.pk, "note": "行动不便"})
    assert (
        r.status_code == 302
        and "sent=1" in r["Location"]
        and AssessmentRequest.objects.get().note == "行动不便"
    )
    again = c.post(reverse("portal:apply_assessment"), {"person": mother.pk})
    assert again.status_code == 409 and "不用再申请" in again.content.decode()
    # another family may not name this person
    stranger = client_for(other_family).post(reverse("portal:apply_assessment"), {"person": mother.pk})
    assert stranger.status_code == 422 and "只能为自己或已关联的家人申请" in stranger.content.decode()
    assert AssessmentRequest.objects.count() == 1


# ------------------------------------------------------------------ waiting list


def test_waiting_list_resident_apply(users, family, other_family, mother, new_facility, client_for):
    home = new_facility("nursing_public", name="东湖福利院", beds_general=20)
    private = new_facility("nursing_private", name="民营养老院", beds_general=20)
    with pytest.raises(Forbidden):
        facilities.waiting_apply_resident(actor=other_family, facility=home, person=mother)
    with pytest.raises(InvalidInput) as exc:
        facilities.waiting_apply_resident(actor=family, facility=private, person=mother)
    assert "公办" in str(exc.value.message)
    entry = facilities.waiting_apply_resident(actor=family, facility=home, person=mother, note="独居")
    assert entry.created_by == family and entry.state == "waiting"
    with pytest.raises(Conflict) as exc:
        facilities.waiting_apply_resident(actor=family, facility=home, person=mother)
    assert "已在东湖福利院的轮候名单中" in str(exc.value.message)
    assert WaitingEntry.objects.count() == 1
    # the page: a duplicate comes back on the form
    c = client_for(family)
    assert "东湖福利院" in c.get(reverse("portal:apply_waiting")).content.decode()
    dup = c.post(reverse("portal:apply_waiting"), {"person": mother.pk, "facility": home.pk})
    assert dup.status_code == 409 and "不用重复申请" in dup.content.decode()
    assert "养老机构入住轮候" in c.get(reverse("portal:apply")).content.decode()


def test_waiting_list_refuses_someone_staying_there(users, family, mother, new_facility):
    from carecircle.facilities.models import Stay

    home = new_facility("nursing_public", name="东湖福利院", beds_general=2)
    facilities.beds_add(actor=users["admin"], facility=home, kind="general", count=1)
    stay = facilities.stay_admit(actor=users["admin"], facility=home, person=mother, day=timezone.localdate())
    assert isinstance(stay, Stay)
    with pytest.raises(Conflict) as exc:
        facilities.waiting_apply_resident(actor=family, facility=home, person=mother)
    assert "已入住东湖福利院" in str(exc.value.message)
    assert WaitingEntry.objects.count() == 0


# ------------------------------------------------------------------ 托位


def test_childcare_application_offer_closes_the_others(users, family, baby, nursery, toddlers, new_facility):
    other = new_facility(
        "childcare_centre", name="丹枫托育园", childcare_places=30, childcare_places_puhui=20
    )
    start = timezone.localdate() + datetime.timedelta(days=7)
    rows = childcare.application_submit(
        actor=family, child=baby, facilities=[nursery, other], start_wanted=start
    )
    assert {r.facility_id for r in rows} == {nursery.pk, other.pk}
    assert _audits(AuditAction.CHILDCARE_APPLY) == 2
    with pytest.raises(Conflict) as exc:  # the same centre again
        childcare.application_submit(actor=family, child=baby, facilities=[nursery], start_wanted=start)
    assert "桂花托育园" in str(exc.value.message) and "不用重复申请" in str(exc.value.message)
    mine = Application.objects.get(facility=nursery)
    before = timezone.now() - datetime.timedelta(seconds=1)
    # staff outside the region (and the parent) cannot offer
    for outsider in (users["district_b"], family):
        with pytest.raises((Forbidden, NotFound)):
            application_offer(actor=outsider, application=mine, child_class=toddlers, start_on=start)
    application_offer(actor=users["admin"], application=mine, child_class=toddlers, start_on=start)
    mine.refresh_from_db()
    assert mine.state == "offered" and mine.enrolment.child_class == toddlers
    assert Application.objects.get(facility=other).state == "closed"
    # a child with a place applies for none
    third = new_facility(
        "childcare_centre", name="星洲托育园", childcare_places=30, childcare_places_puhui=20
    )
    with pytest.raises(Conflict) as exc:
        childcare.application_submit(actor=family, child=baby, facilities=[third], start_wanted=start)
    assert "已在桂花托育园入托" in str(exc.value.message)
    n = applications.decision_messages(since=before, until=timezone.now() + datetime.timedelta(seconds=1))
    assert n == 1 and "乳儿一班" in Message.objects.get(recipient=family).body


def test_childcare_application_refusals(
    users, family, other_family, baby, nursery, toddlers, make_person, new_facility
):
    start = timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(Forbidden) as exc:  # another family's child
        childcare.application_submit(actor=other_family, child=baby, facilities=[nursery], start_wanted=start)
    assert "没有关联这个孩子" in str(exc.value.message)
    old = make_person(birth=months_ago(34), name="王大宝")
    _link(old, family, "父母")
    later = timezone.localdate() + datetime.timedelta(days=100)
    with pytest.raises(InvalidInput) as exc:  # 3 by the day it would start: too old for 托育
        childcare.application_submit(actor=family, child=old, facilities=[nursery], start_wanted=later)
    assert exc.value.field == "child" and "已满3周岁" in str(exc.value.message)
    home = new_facility("nursing_public", name="东湖福利院", beds_general=5)
    with pytest.raises(InvalidInput):  # not a childcare centre: nothing saved for the good one either
        childcare.application_submit(actor=family, child=baby, facilities=[nursery, home], start_wanted=start)
    with pytest.raises(InvalidInput):
        childcare.application_submit(actor=family, child=baby, facilities=[], start_wanted=start)
    assert Application.objects.count() == 0

    (app,) = childcare.application_submit(actor=family, child=baby, facilities=[nursery], start_wanted=start)
    with pytest.raises(InvalidInput) as exc:
        childcare.application_refuse(actor=users["admin"], application=app, reason="")
    assert exc.value.field == "reason"
    with pytest.raises((Forbidden, NotFound)):
        childcare.application_refuse(actor=users["district_b"], application=app, reason="满员")
    app.refresh_from_db()
    assert app.state == "submitted" and not Enrolment.objects.exists()
    # an offer in a class the child's age does not fit: refused by enrol, the application untouched
    big = childcare.class_create(
        actor=users["admin"], facility=nursery, name="大一班", band="big", capacity=10, caregivers=2
    )
    with pytest.raises(InvalidInput):
        application_offer(actor=users["admin"], application=app, child_class=big, start_on=start)
    app.refresh_from_db()
    assert app.state == "submitted" and not Enrolment.objects.exists()
    childcare.application_refuse(actor=users["admin"], application=app, reason="本学期已满员")
    app.refresh_from_db()
    assert app.state == "refused" and app.refused_reason == "本学期已满员"
    # the list: insider sees it, outsider does not
    assert childcare_apps.application_list(user=users["admin"]).count() == 1
    assert childcare_apps.application_list(user=users["district_b"]).count() == 0


def test_childcare_pages(users, family, baby, nursery, toddlers, client_for):
    c = client_for(family)
    page = c.get(reverse("portal:apply_childcare"))
    assert page.status_code == 200 and "桂花托育园" in page.content.decode()
    start = timezone.localdate() + datetime.timedelta(days=7)
    r = c.post(
        reverse("portal:apply_childcare"),
        {"child": baby.pk, "facilities": [nursery.pk], "start_wanted": str(start)},
    )
    assert r.status_code == 302
    app = Application.objects.get()
    staff = client_for(users["admin"])
    listing = staff.get(reverse("childcare:applications"))
    assert listing.status_code == 200 and "王小宝" in listing.content.decode()
    bad = staff.post(reverse("childcare:application_refuse", args=[app.pk]), {"reason": ""})
    assert bad.status_code == 422 and "请填写未录取的原因" in bad.content.decode()
    outsider = client_for(users["district_b"])
    assert outsider.post(
        reverse("childcare:application_offer", args=[app.pk]),
        {"child_class": toddlers.pk, "start_on": str(start)},
    ).status_code in (403, 404)
    ok = staff.post(
        reverse("childcare:application_offer", args=[app.pk]),
        {"child_class": toddlers.pk, "start_on": str(start)},
    )
    assert ok.status_code == 302
    body = c.get(reverse("portal:apply")).content.decode()
    assert "已录取入托" in body and "乳儿一班" in body


def test_apply_page_shows_only_the_account_s_persons(users, family, other_family, mother, baby, client_for):
    assessment.assessment_request_submit(actor=family, person=mother)
    body = client_for(other_family).get(reverse("portal:apply")).content.decode()
    assert "王奶奶" not in body
    mine = client_for(family).get(reverse("portal:apply")).content.decode()
    assert "王奶奶" in mine and "王小宝" in mine and "已提交，等待受理" in mine
