"""One assessment for 民政 and 医保 (issue 22 item 1): the city's LTC ↔ GB/T 42195 table answers a new
request for the other kind within the repeat period, or the request is refused naming the existing
assessment and its date; with an empty table there is no mapping and a clear message."""

import copy
import datetime

import pytest
from django.utils import timezone

from carecircle.assessment.models import CapabilityAssessment
from carecircle.careathome import ltc_mapping, services
from carecircle.careathome.models.ltc import LtcAssessment, LtcStatus
from carecircle.core.errors import Conflict
from tests.assessment.factories import capability_on_file
from tests.careathome.ltc_table import TABLE
from tests.careathome.test_ltc_process import CITY, RULES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _rules(users, capability_map):
    services.ltc_scale_load(actor=users["admin"], region_code=CITY, **copy.deepcopy(TABLE))
    services.ltc_rules_load(
        actor=users["admin"], region_code=CITY, **{**RULES, "capability_map": capability_map}
    )


def _capability(person, level: int, days_ago: int) -> CapabilityAssessment:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return capability_on_file(
        person, level, assessed_on=day, valid_from=day, valid_to=day + datetime.timedelta(days=730)
    )


def _delivered_ltc(person, level: int, days_ago: int) -> LtcAssessment:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return LtcAssessment.objects.create(
        person=person,
        region_code=person.region_code,
        status=LtcStatus.DELIVERED,
        applicant_kind="self",
        applicant_name="本人",
        applied_on=day - datetime.timedelta(days=30),
        level=level,
        delivered_on=day,
        valid_until=day + datetime.timedelta(days=730),
    )


def _apply(users, person):
    return services.ltc_apply(
        actor=users["community"], person=person, applicant_kind="worker", applicant_name="王社工"
    )


def test_an_ltc_application_is_answered_from_a_capability_assessment_of_the_year(users, make_person):
    _rules(users, RULES["capability_map"])
    person = make_person()
    found = _capability(person, 3, days_ago=100)
    with pytest.raises(Conflict) as exc:
        _apply(users, person)
    message = str(exc.value.message)
    assert found.assessed_on.isoformat() in message and "GB/T 42195" in message
    assert "重度失能Ⅰ级" in message and RULES["source"] in message and exc.value.field == "person"
    assert not LtcAssessment.objects.filter(person=person).exists()


def test_no_answer_when_the_capability_level_maps_to_several_ltc_levels_or_is_old(users, make_person):
    _rules(users, RULES["capability_map"])  # capability 4 stands for LTC 4 and 5: the LTC assessment decides
    several = make_person()
    _capability(several, 4, days_ago=30)
    assert ltc_mapping.ltc_answer(several).mapped is None
    assert _apply(users, several).status == LtcStatus.APPLIED
    old = make_person()
    _capability(old, 3, days_ago=400)  # valid still, but made more than the repeat period ago
    assert ltc_mapping.ltc_answer(old) is None
    assert _apply(users, old).status == LtcStatus.APPLIED


def test_an_empty_table_gives_no_mapping_and_says_so(users, make_person):
    _rules(users, {})
    person = make_person()
    _capability(person, 3, days_ago=10)
    answer = ltc_mapping.ltc_answer(person)
    assert answer is not None and answer.mapped is None and "尚未录入" in answer.message
    assert ltc_mapping.mapping(person.region_code) == ({}, "")
    assert _apply(users, person).status == LtcStatus.APPLIED  # nothing derived: the LTC assessment goes ahead
    other = make_person()
    _delivered_ltc(other, 2, days_ago=20)
    reply = ltc_mapping.capability_answer(other)
    assert reply.mapped is None and "对应表" in reply.message and "尚未录入" in reply.message


def test_a_capability_request_is_answered_from_a_delivered_ltc_result(users, make_person):
    _rules(users, RULES["capability_map"])
    person = make_person()
    ltc = _delivered_ltc(person, 5, days_ago=60)
    reply = ltc_mapping.capability_answer(person)
    assert reply.existing == "ltc" and reply.existing_on == ltc.delivered_on and reply.mapped == 4
    assert ltc.delivered_on.isoformat() in reply.message and RULES["source"] in reply.message
    stale = make_person()
    _delivered_ltc(stale, 5, days_ago=400)
    assert ltc_mapping.capability_answer(stale) is None
    assert ltc_mapping.capability_answer(make_person()) is None
