"""The facility operator's admission desk (facilities/admission.py): find an applicant or a resident
by ID number or name among the own facilities' waiting lists and stays, and admit an applicant to a
free bed. Outsiders (another operator's admin, of the same district) find and admit no one."""

import datetime
import re

import pytest
from django.utils import timezone

from carecircle.core.models import RoleGrant
from carecircle.facilities import admission, services, waiting
from carecircle.facilities.models import Offer, OfferResponse, Stay, WaitingState
from tests.conftest import COMMUNITY_A2, id_number, make_user


@pytest.fixture
def levels(monkeypatch):
    monkeypatch.setattr(
        waiting, "capability_levels", lambda persons, day: dict.fromkeys(p.pk for p in persons)
    )


@pytest.fixture
def home(make_facility, users):
    facility = make_facility("nursing_public", name="东湖社会福利院", beds_general=3, beds_nursing=1)
    services.beds_add(actor=users["admin"], facility=facility, kind="general", count=3)
    services.beds_add(actor=users["admin"], facility=facility, kind="nursing", count=1)
    return facility


def operator_admin(username, operator):
    user = make_user(username, "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=user).update(
        organisation_kind="facility_operator", organisation_id=operator.pk
    )
    return user


@pytest.fixture
def insider(operator):
    return operator_admin("fac_in", operator)


@pytest.fixture
def outsider(users):
    other = services.operator_create(
        actor=users["admin"], name="他家养老", credit_code="91330100MA2DDDDD3Q", region_code=COMMUNITY_A2
    )
    return operator_admin("fac_out", other)


def apply(users, home, person, minutes, kind="general"):
    at = timezone.now() - datetime.timedelta(days=30) + datetime.timedelta(minutes=minutes)
    return waiting.waiting_apply(
        actor=users["community"], facility=home, person=person, applied_at=at, bed_kind=kind
    )


@pytest.fixture
def applicants(users, make_person, home, levels):
    """Three applicants in the order of the rule (oldest first): 王阿婆, 李大爷, 张奶奶."""
    people = [
        make_person(age=92, name="王阿婆"),
        make_person(age=85, name="李大爷"),
        make_person(age=78, name="张奶奶"),
    ]
    for i, p in enumerate(people):
        apply(users, home, p, i)
    return people


def test_insider_finds_an_applicant_by_id_number_and_admits_them(insider, home, applicants, client_for):
    first = applicants[0]
    c = client_for(insider)
    detail = c.get(f"/map/facilities/{home.pk}/").content.decode()
    assert f"/map/facilities/{home.pk}/find/" in detail  # the search is on the facility's page
    r = c.post(f"/map/facilities/{home.pk}/find/", {"q": first.id_number})
    page = r.content.decode()
    assert r.status_code == 200 and "王阿婆" in page and first.id_masked in page
    assert first.id_number not in page.replace(f'value="{first.id_number}"', "")  # only in the box typed into
    assert "李大爷" not in page and "轮候中 · 第 1 位" in page
    bed = services.free_beds(home, "general").first()
    r = c.post(f"/map/waiting/{applicants[0].facility_waiting.get().pk}/admit/", {"bed": bed.pk}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "已入住：王阿婆" in page
    stay = Stay.objects.get(person=first, discharged_on__isnull=True)
    assert stay.facility == home and stay.bed == bed
    entry = first.facility_waiting.get()
    assert entry.state == WaitingState.ADMITTED
    assert entry.offers.get().response == OfferResponse.ACCEPTED  # the offer and its acceptance are on record
    # the resident is found again, now as a resident, by name
    page = c.post(f"/map/facilities/{home.pk}/find/", {"q": "王阿"}).content.decode()
    assert f"在住 · 床位 {bed.code}" in page


def test_the_waiting_page_searches_all_own_facilities(insider, home, applicants, client_for):
    c = client_for(insider)
    assert "/map/waiting/find/" in c.get("/map/waiting/").content.decode()
    page = c.post("/map/waiting/find/", {"q": "李"}).content.decode()
    assert "李大爷" in page and "王阿婆" not in page
    # not next in order: no admission offered, and the reason is said
    assert "须按轮候顺序入住" in page and "/admit/" not in page


def test_an_id_number_not_on_the_lists_tells_nothing(insider, home, applicants, make_person, client_for):
    c = client_for(insider)
    elsewhere = make_person(age=80, name="别处老人")  # in the register, on no list of the operator
    nobody = id_number(datetime.date(1944, 3, 3), 777)  # valid, held by no one
    answers = []
    for number in (elsewhere.id_number, nobody):
        r = c.post("/map/waiting/find/", {"q": number})
        page = r.content.decode()
        assert r.status_code == 200 and "别处老人" not in page
        assert "本机构的轮候名单、入住申请和在住人员中没有身份证号为" in page
        main = page[page.index("<main") : page.index("</main>")]
        main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
        answers.append(main.replace(number, "TYPED").replace(number[:6] + "*" * 12, "MASKED"))
    assert answers[0] == answers[1]  # the same answer whether the person exists elsewhere or not


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "请输入姓名或身份证号"),
        ("330106", "身份证号应为完整的18位号码"),  # a part of a number would tell the hidden digits
        ("330106194403030011", "身份证号应为完整的18位号码"),  # wrong check digit
    ],
)
def test_bad_search_text_is_a_422_naming_the_field(insider, home, client_for, q, message):
    r = client_for(insider).post(f"/map/facilities/{home.pk}/find/", {"q": q})
    assert r.status_code == 422 and message in r.content.decode()


def test_outsider_operator_finds_and_admits_no_one(outsider, insider, home, applicants, client_for):
    c = client_for(outsider)
    first = applicants[0]
    assert c.post(f"/map/facilities/{home.pk}/find/", {"q": first.id_number}).status_code in (403, 404)
    page = c.post("/map/waiting/find/", {"q": first.id_number}).content.decode()
    assert "王阿婆" not in page and "没有身份证号为" in page
    assert "王阿婆" not in c.post("/map/waiting/find/", {"q": "王"}).content.decode()
    entry = first.facility_waiting.get()
    assert c.post(f"/map/waiting/{entry.pk}/admit/", {}).status_code in (403, 404)
    assert not Stay.objects.filter(person=first).exists() and not Offer.objects.exists()
    assert admission.find(user=outsider, facilities=admission.admitting_facilities(insider), q="王") == []


def test_admission_keeps_the_order_of_a_public_institution(insider, home, applicants, client_for):
    c = client_for(insider)
    second = applicants[1].facility_waiting.get()
    r = c.post(f"/map/waiting/{second.pk}/admit/", {})
    assert r.status_code == 409 and "须按轮候顺序入住" in r.content.decode()
    assert not Offer.objects.exists() and not Stay.objects.exists()  # nothing half-done
    first = applicants[0].facility_waiting.get()
    assert c.post(f"/map/waiting/{first.pk}/admit/", {}).status_code == 302  # first free general bed
    assert c.post(f"/map/waiting/{second.pk}/admit/", {}).status_code == 302  # now next
    assert Stay.objects.filter(facility=home, discharged_on__isnull=True).count() == 2


def test_an_offered_applicant_is_admitted_to_the_offered_bed(users, insider, home, applicants, client_for):
    offer = waiting.offer_next(actor=users["admin"], facility=home)
    entry = offer.entry
    c = client_for(insider)
    page = c.post(f"/map/facilities/{home.pk}/find/", {"q": entry.person.name}).content.decode()
    assert f"已通知入住 · 床位 {offer.bed.code}" in page
    other = services.free_beds(home, "general").first()
    r = c.post(f"/map/waiting/{entry.pk}/admit/", {"bed": other.pk})
    assert r.status_code == 422 and f"已通知其入住床位 {offer.bed.code}" in r.content.decode()
    assert not Stay.objects.exists()
    r = c.post(f"/map/waiting/{entry.pk}/admit/", {"bed": "99999999"})
    assert r.status_code == 422 and "床位不属于该机构" in r.content.decode()
    assert c.post(f"/map/waiting/{entry.pk}/admit/", {"bed": offer.bed.pk}).status_code == 302
    assert Stay.objects.get(person=entry.person).bed == offer.bed
    r = c.post(f"/map/waiting/{entry.pk}/admit/", {})
    assert r.status_code == 409 and "该登记已结束" in r.content.decode()


def test_a_bed_that_is_not_free_is_refused_on_its_field(users, insider, home, applicants, client_for):
    nursing = services.free_beds(home, "nursing").first()
    first = applicants[0].facility_waiting.get()
    r = client_for(insider).post(f"/map/waiting/{first.pk}/admit/", {"bed": nursing.pk})
    assert r.status_code == 422 and f"床位 {nursing.code} 不是空余的普通床位" in r.content.decode()
    assert not Offer.objects.exists() and not Stay.objects.exists()


def test_no_register_number_is_asked_of_an_operator(insider, users, make_facility, client_for):
    """The direct admission picks a person of the register by number (staff); the operator's admin
    sees no register, so its page offers the admission desk's search instead."""
    private = make_facility("nursing_private", name="东湖康养院", beds_general=2)
    services.beds_add(actor=users["admin"], facility=private, kind="general", count=2)
    page = client_for(insider).get(f"/map/facilities/{private.pk}/").content.decode()
    assert 'name="person"' not in page and f"/map/facilities/{private.pk}/find/" in page
    staff = client_for(users["district"]).get(f"/map/facilities/{private.pk}/").content.decode()
    assert 'name="person"' in staff
