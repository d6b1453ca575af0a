import datetime

import pytest
from django.utils import timezone

from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.facilities import services, waiting
from carecircle.facilities.models import OfferResponse, Stay, WaitingRule, WaitingState
from carecircle.registry.services import status_add
from tests.conftest import COMMUNITY_A2


@pytest.fixture
def levels(monkeypatch):
    """Capability levels by person id, standing in for the assessment module's current_level."""
    known = {}
    monkeypatch.setattr(
        waiting, "capability_levels", lambda persons, day: {p.pk: known.get(p.pk) for p in persons}
    )
    return known


@pytest.fixture
def home(make_facility, users):
    facility = make_facility("nursing_public", beds_general=2, beds_nursing=1)
    services.beds_add(actor=users["admin"], facility=facility, kind="general", count=2)
    services.beds_add(actor=users["admin"], facility=facility, kind="nursing", count=1)
    return facility


def apply(users, home, person, minutes, kind="general"):
    at = timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(minutes=minutes)
    return waiting.waiting_apply(
        actor=users["community"], facility=home, person=person, applied_at=at, bed_kind=kind
    )


def names(home):
    return [p.entry.person.name for p in waiting.ranked(home)]


def test_order_by_rule_with_ties_and_a_level_change(users, make_person, home, levels):
    old = make_person(age=90, name="高龄甲")
    tekun = make_person(age=70, name="特困乙")
    heavy = make_person(age=72, name="失能丙")
    light = make_person(age=80, name="轻度丁")
    twin1 = make_person(age=75, name="同龄戊", birth=datetime.date(1950, 5, 5))
    twin2 = make_person(age=75, name="同龄己", birth=datetime.date(1950, 5, 5))
    status_add(
        actor=users["admin"], person=tekun, kind="tekun", valid_from=datetime.date(2020, 1, 1), source="民政"
    )
    levels.update({heavy.pk: 3, light.pk: 1, old.pk: 0})
    for i, p in enumerate([old, twin2, twin1, light, heavy, tekun]):
        apply(users, home, p, i)
    # 特困 first; then 失能 by level (3 before 1); then age; equal age -> earlier application first
    assert names(home) == ["特困乙", "失能丙", "轻度丁", "高龄甲", "同龄己", "同龄戊"]
    # the same application time: the earlier entry (id) decides, so the order never flips
    entries = {p.entry.person.name: p.entry for p in waiting.ranked(home)}
    entries["同龄戊"].applied_at = entries["同龄己"].applied_at
    entries["同龄戊"].save()
    assert names(home)[-2:] == ["同龄己", "同龄戊"]
    # 高龄甲 is reassessed as severely disabled: moves ahead of 轻度丁 (level 3 vs 1) and, being older, of 失能丙
    levels[old.pk] = 3
    assert names(home)[:4] == ["特困乙", "高龄甲", "失能丙", "轻度丁"]
    place = waiting.ranked(home)[1]
    assert place.rank == 2 and "重度失能" in place.reason and "特困 1 人" in place.reason


def test_unknown_level_ranks_after_known(users, make_person, home, levels):
    a, b = make_person(age=95, name="未评估"), make_person(age=61, name="已评估")
    levels[b.pk] = 0
    apply(users, home, a, 0)
    apply(users, home, b, 1)
    assert names(home) == ["已评估", "未评估"]


def test_rule_is_data(users, make_person, home, levels):
    young, old = make_person(age=65, name="年轻"), make_person(age=88, name="年长")
    apply(users, home, young, 0)
    apply(users, home, old, 1)
    assert names(home) == ["年长", "年轻"]
    WaitingRule.objects.create(
        facility=home,
        name="先到先得",
        criteria=[{"key": "applied_at", "order": "asc"}],
        published_text="按登记先后",
        valid_from=datetime.date(2020, 1, 1),
    )
    assert names(home) == ["年轻", "年长"]


def test_offers_in_order_declines_recorded_then_admission(users, make_person, home, levels):
    first, second, third = (
        make_person(age=90, name="一"),
        make_person(age=85, name="二"),
        make_person(age=80, name="三"),
    )
    for i, p in enumerate([third, second, first]):
        apply(users, home, p, i)
    nursing = make_person(age=99, name="护理")
    apply(users, home, nursing, 5, kind="nursing")
    offer = waiting.offer_next(actor=users["admin"], facility=home)
    assert offer.entry.person.name == "护理" and offer.bed.kind == "nursing" and offer.rank == 1
    offer2 = waiting.offer_next(actor=users["admin"], facility=home)
    assert offer2.entry.person.name == "一" and offer2.bed.kind == "general"
    with pytest.raises(InvalidInput):
        waiting.offer_respond(actor=users["admin"], offer=offer2, accept=False, reason="")
    waiting.offer_respond(actor=users["admin"], offer=offer2, accept=False, reason="家属暂不同意")
    offer2.refresh_from_db()
    assert offer2.response == OfferResponse.DECLINED and offer2.decline_reason == "家属暂不同意"
    offer2.entry.refresh_from_db()
    assert offer2.entry.state == WaitingState.WAITING
    with pytest.raises(Conflict):
        waiting.offer_respond(actor=users["admin"], offer=offer2, accept=True)
    offer3 = waiting.offer_next(actor=users["admin"], facility=home)
    assert offer3.entry.person.name == "一"  # a decline keeps the place on the list
    waiting.offer_respond(actor=users["admin"], offer=offer3, accept=True)
    assert Stay.objects.get(person__name="一").bed == offer3.bed
    offer4 = waiting.offer_next(actor=users["admin"], facility=home)
    assert offer4.entry.person.name == "二"
    with pytest.raises(Conflict):  # no free bed left: general beds offered/taken, nursing offered
        waiting.offer_next(actor=users["admin"], facility=home)
    assert offer3.entry.offers.count() == 2


def test_apply_checks(users, make_person, make_facility, home):
    private = make_facility("nursing_private", beds_general=5)
    p = make_person(age=70)
    with pytest.raises(InvalidInput):
        waiting.waiting_apply(actor=users["community"], facility=private, person=p)
    waiting.waiting_apply(actor=users["community"], facility=home, person=p)
    with pytest.raises(Conflict):
        waiting.waiting_apply(actor=users["community"], facility=home, person=p)
    baby = make_person(age=1)
    with pytest.raises(InvalidInput):
        waiting.waiting_apply(actor=users["community"], facility=home, person=baby)
    outsider = make_person(region_code=COMMUNITY_A2, age=80)
    with pytest.raises(NotFound):  # a worker of 西山区 reaches neither this person nor this home
        waiting.waiting_apply(actor=users["community_b"], facility=home, person=outsider)


def test_applicant_sees_place_and_reason(users, make_person, home, levels, client_for):
    a, b = make_person(age=80, name="甲"), make_person(age=90, name="乙")
    apply(users, home, a, 0)
    apply(users, home, b, 1)
    a.user = users["resident"]
    a.save()
    places = waiting.my_places(users["resident"])
    assert len(places) == 1 and places[0]["rank"] == 2 and places[0]["total"] == 2
    assert "年龄：80岁" in places[0]["reason"] and "特困" in places[0]["rule"]
    page = client_for(users["resident"]).get("/map/my-waiting/")
    assert page.status_code == 200 and "第 2 位" in page.content.decode()


def test_levels_come_from_the_assessment_module(users, make_person, home):
    """Without stand-ins: a real GB/T 42195 assessment (when that module is installed) moves an applicant up."""
    assessment = pytest.importorskip("carecircle.assessment.services")
    from carecircle.assessment.capability import ITEMS

    younger, older = make_person(age=70, name="评估后失能"), make_person(age=90, name="未评估者")
    apply(users, home, older, 0)
    apply(users, home, younger, 1)
    assert names(home) == ["未评估者", "评估后失能"]
    worst = {code: min(item.scores) for code, item in ITEMS.items()}
    assessment.assessment_record(
        actor=users["admin"], person=younger, assessed_on=datetime.date.today(), answers=worst
    )
    place = waiting.ranked(home)[0]
    assert place.entry.person.name == "评估后失能" and "完全失能" in place.reason


def test_provider_admin_acts_only_for_own_institution(users, make_person, home, make_facility):
    from carecircle.core.models import RoleGrant
    from carecircle.facilities.services import operator_create
    from tests.conftest import make_user

    other_op = operator_create(
        actor=users["admin"], name="他家", credit_code="91330100MA2DDDDD3Q", region_code=COMMUNITY_A2
    )
    prov = make_user("prov5", "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=prov).update(
        organisation_kind="facility_operator", organisation_id=other_op.pk
    )
    elder = make_person(age=80, name="辖区老人")
    with pytest.raises(NotFound):  # not their institution, and residents of the district are not theirs
        waiting.waiting_apply(actor=prov, facility=home, person=elder)
    waiting.waiting_apply(actor=users["community"], facility=home, person=elder)
    assert not waiting.entries_for(user=prov).exists()
    assert waiting.entries_for(user=users["community"]).count() == 1


def test_offer_answers_one_rule_for_the_page_and_the_service(users, make_person, home, levels, client_for):
    """selectors.offer_actions says which answers the facility page offers; offer_respond refuses an
    answered offer (the same offer_open rule); a bad answer comes back on the page (422)."""
    from carecircle.facilities.selectors import OfferAction, offer_actions

    apply(users, home, make_person(age=88, name="候补甲"), 1)
    offer = waiting.offer_next(actor=users["admin"], facility=home)
    assert offer_actions(users["district"], offer) == {OfferAction.ACCEPT, OfferAction.DECLINE}
    assert offer_actions(users["community_b"], offer) == frozenset()
    c = client_for(users["district"])
    page = c.get(f"/map/facilities/{home.pk}/").content.decode()
    assert f"/map/offers/{offer.pk}/respond/" in page and "接受并入住" in page
    r = c.post(f"/map/offers/{offer.pk}/respond/", {"accept": "0", "reason": ""})
    assert r.status_code == 422 and "请记录放弃原因" in r.content.decode()
    r = c.post(f"/map/offers/{offer.pk}/respond/", {"accept": "maybe"})
    assert r.status_code == 422 and "请选择接受或放弃" in r.content.decode()
    r = c.post(f"/map/offers/{offer.pk}/respond/", {"accept": "0", "reason": "家属暂不同意"}, follow=True)
    assert "已记录答复" in r.content.decode()
    offer.refresh_from_db()
    assert offer.response == OfferResponse.DECLINED and offer_actions(users["district"], offer) == frozenset()
    assert "接受并入住" not in c.get(f"/map/facilities/{home.pk}/").content.decode()
    r = c.post(f"/map/offers/{offer.pk}/respond/", {"accept": "1"})
    assert r.status_code == 409 and "该通知已答复" in r.content.decode()
    with pytest.raises(Conflict):
        waiting.offer_respond(actor=users["district"], offer=offer, accept=True)
