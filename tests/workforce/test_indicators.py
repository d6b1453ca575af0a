"""The seeds' workforce indicators computed from the register (issue 21, item 5): every figure
matches a count done by hand for a community, its district and the city, in one set of grouped
queries whatever the number of regions; the page shows them with the seeds' targets, in scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.core import regions
from carecircle.workforce import indicators, services, training
from tests.conftest import COMMUNITY_A, COMMUNITY_B, id_number

A, DIST_A, CITY = regions.prefix_of(COMMUNITY_A), "339901", "3399"
B = regions.prefix_of(COMMUNITY_B)


@pytest.fixture
def register(users, make_facility, make_person):
    today = timezone.localdate()
    home = make_facility("nursing_public", beds_general=100, beds_nursing=20, name="东湖颐养院")
    make_facility("nursing_private", region=COMMUNITY_B, beds_general=60, name="西山护理院")
    for _ in range(3):
        make_person(region_code=COMMUNITY_A, age=75)
    make_person(region_code=COMMUNITY_A, age=1)  # an infant: not an older person
    make_person(region_code=COMMUNITY_B, age=80)
    admin, seq = users["admin"], iter(range(1, 99))
    start = datetime.date(today.year - 2, 1, 1)

    def worker(name, role="carer", region=COMMUNITY_A, kind="facility_operator", **kw):
        return services.worker_register(
            actor=admin,
            employer_kind=kind,
            organisation_id=home.operator_id if kind != "homecare_provider" else 7001,
            region_code=region,
            role=role,
            name=name,
            employed_from=kw.pop("employed_from", start),
            id_number=id_number(datetime.date(1980, 1, 1), next(seq)),
            **kw,
        )

    def cert(w, kind="elder_care", level=None, **kw):
        services.certificate_add(
            actor=admin, caregiver=w, kind=kind, level=level, valid_from=kw.pop("valid_from", start), **kw
        )

    w = {
        "senior": worker("甲高级"),
        "junior": worker("乙初级"),
        "none": worker("丙无证"),
        "expired": worker("丁过期"),
        "home": worker("戊居家", role="home_caregiver", kind="homecare_provider"),
        "left": worker("己离职", employed_to=today - datetime.timedelta(days=10)),
        "social": worker("庚社工", role="social_worker"),
        "manager": worker("辛院长", role="manager"),
        "nursery": worker("壬保育", role="childcare_carer", kind="childcare_operator"),
        "nursery2": worker("癸保育", role="childcare_carer", kind="childcare_operator"),
        "b_carer": worker("子西山", region=COMMUNITY_B),
    }
    cert(w["senior"], level=3)
    cert(w["junior"], level=1)
    cert(w["expired"], level=4, valid_to=today - datetime.timedelta(days=1))
    cert(w["home"], level=4)
    cert(w["left"], level=5)
    cert(w["nursery"], kind="childcare", level=2)
    cert(w["b_carer"], level=3)
    course = training.course_create(
        actor=admin,
        title="失能照护实务",
        provider="市养老服务指导中心",
        hours="16",
        topic="care_skills",
        roles=["carer", "home_caregiver", "manager"],
        region_code=COMMUNITY_A,
    )
    this_year = training.session_create(actor=admin, course=course, day=today, place="东湖区培训室")
    last_year = training.session_create(
        actor=admin, course=course, day=datetime.date(today.year - 1, 6, 1), place="东湖区培训室"
    )
    training.attendance_record(actor=admin, session=this_year, worker=w["senior"])
    training.attendance_record(actor=admin, session=this_year, worker=w["home"], hours="8")
    training.attendance_record(actor=admin, session=this_year, worker=w["manager"], passed=False)
    training.attendance_record(actor=admin, session=last_year, worker=w["junior"])
    return w


def test_figures_match_a_count_by_hand(register, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(12):  # three prefix lengths, three grouped counts each
        got = indicators.evaluate([A, B, DIST_A, CITY], today)
    by_code = {p: {v.indicator.code: v for v in got[p]} for p in got}
    a = by_code[A]
    # carers in A employed today: 甲 乙 丙 丁 (carer) + 戊 (home) = 5; 己 has left
    # certified (any role): 甲 乙 戊 = 3 (丁 expired); senior (三级+): 甲 戊 = 2
    # elders in A: 3 (the infant not counted)
    assert (a["W01"].numerator, a["W01"].denominator, a["W01"].value) == (3, 3, 10000.0)
    assert (a["W02"].numerator, a["W02"].denominator, a["W02"].value) == (2, 5, 40.0)
    assert (a["W03"].numerator, a["W03"].denominator, a["W03"].value) == (3, 5, 60.0)
    assert (a["W04"].numerator, a["W04"].denominator, a["W04"].value) == (1, 2, 50.0)
    # institution carers 甲 乙 丙 丁, trained this year 甲 (乙 last year) = 1/4
    assert (a["W05"].numerator, a["W05"].denominator, a["W05"].value) == (1, 4, 25.0)
    assert (a["W06"].numerator, a["W06"].denominator, a["W06"].value) == (1, 1, 100.0)
    assert (a["W07"].numerator, a["W07"].denominator, a["W07"].value) == (0, 1, 0.0)  # 辛 failed
    # one social worker for 120 institution beds: 0.5 per 60 beds
    assert (a["W08"].numerator, a["W08"].denominator, a["W08"].value) == (1, 120, 0.5)
    b = by_code[B]
    assert (b["W01"].numerator, b["W01"].denominator) == (1, 1)
    assert b["W08"].value == 0.0 and b["W08"].denominator == 60
    city = by_code[CITY]
    assert (city["W01"].numerator, city["W01"].denominator) == (4, 4)
    assert (city["W02"].numerator, city["W02"].denominator) == (3, 6)
    assert (city["W08"].numerator, city["W08"].denominator) == (1, 180)
    assert by_code[DIST_A]["W05"].denominator == 4
    # the test city is under no seed city: every seed's target shows as reference, met or not
    w01 = {t.city_name: met for t, met in a["W01"].targets}
    assert w01 == {"杭州": True, "嘉兴": True}
    assert [met for _t, met in a["W04"].targets] == [False, False]  # 50 % < 90 % and 70 %


def test_target_of_own_city_only(db):
    day = timezone.localdate()
    got = indicators.evaluate(["330106"], day)["330106"]  # a Hangzhou district: Hangzhou's only
    w04 = next(v for v in got if v.indicator.code == "W04")
    assert [(t.city_name, t.value, met) for t, met in w04.targets] == [("杭州", 90, None)]


def test_page_in_scope_and_refused_outside(client_for, users, register):
    url = reverse("workforce:indicators")
    client = client_for(users["district"])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "每万名老年人拥有持证养老护理员数" in text and "杭州 二(二)3" in text
    assert "东湖区" in text and "西山区" not in text
    client = client_for(users["district_b"])
    other = client.get(url).content.decode()
    assert "西山区" in other and "东湖区" not in other
    client = client_for(users["resident"])
    assert client.get(url).status_code in (403, 404)
