"""One assessment for 民政 and 医保, the other direction (issue 22 item 1): a request for a GB/T 42195
capability assessment is refused (409) when a delivered LTC result of the city's repeat period maps
to one capability level by the city's table, naming that result, its date and the level it stands
for; it goes ahead with an empty table, an older result, or no single capability level for it."""

import pytest
from django.urls import reverse

from carecircle.assessment import services as assessment
from carecircle.assessment.models import AssessmentRequest
from carecircle.careathome import prior_assessments
from carecircle.careathome.models.ltc import LtcRules
from carecircle.core import prior_assessment
from carecircle.core.errors import Conflict
from carecircle.core.models import User
from tests.careathome.test_ltc_mapping import _delivered_ltc, _rules
from tests.careathome.test_ltc_process import RULES
from tests.timebank.helpers import link

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def family(users):
    return User.objects.create_user(username="family-prior", password="x", display_name="王小明")


@pytest.fixture
def elder(make_person, family):
    person = make_person(age=82, name="王奶奶")
    link(family, person)
    return person


def test_the_hook_finds_care_at_homes_answer():
    assert prior_assessments in prior_assessment.plugins.optional_submodules("prior_assessments")


def test_a_request_is_refused_by_a_delivered_ltc_result_of_the_year(users, family, elder):
    _rules(users, RULES["capability_map"])  # LTC 3 (重度失能Ⅰ级) stands for capability level 3 only
    ltc = _delivered_ltc(elder, 3, days_ago=60)
    with pytest.raises(Conflict) as exc:
        assessment.assessment_request_submit(actor=family, person=elder)
    message = str(exc.value.message)
    assert exc.value.field == "person" and exc.value.status == 409
    assert ltc.delivered_on.isoformat() in message and "重度失能Ⅰ级" in message
    assert "重度失能" in message.split("相当于老年人能力等级")[1] and RULES["source"] in message
    assert not AssessmentRequest.objects.filter(person=elder).exists()


def test_the_portal_form_answers_409_with_the_message(users, family, elder, client_for):
    _rules(users, RULES["capability_map"])
    ltc = _delivered_ltc(elder, 2, days_ago=30)
    r = client_for(family).post(reverse("portal:apply_assessment"), {"person": elder.pk})
    body = r.content.decode()
    assert r.status_code == 409 and ltc.delivered_on.isoformat() in body and "长期护理失能等级" in body
    assert not AssessmentRequest.objects.exists()


def test_an_empty_table_answers_nothing(users, family, elder):
    _rules(users, {})
    _delivered_ltc(elder, 3, days_ago=10)
    assert prior_assessment.answer("capability", elder) is None
    assert assessment.assessment_request_submit(actor=family, person=elder).state == "submitted"


def test_no_rules_at_all_answer_nothing(family, elder):
    _delivered_ltc(elder, 3, days_ago=10)
    assert not LtcRules.objects.exists()
    assert assessment.assessment_request_submit(actor=family, person=elder).state == "submitted"


def test_a_result_older_than_the_repeat_period_answers_nothing(users, family, elder):
    _rules(users, RULES["capability_map"])
    _delivered_ltc(elder, 3, days_ago=400)  # still valid (two years), delivered over twelve months ago
    assert prior_assessment.answer("capability", elder) is None
    assert assessment.assessment_request_submit(actor=family, person=elder).state == "submitted"


def test_a_level_without_exactly_one_capability_level_answers_nothing(users, family, elder, make_person):
    # the city's loader takes one capability level per LTC level; a table that lists several for a
    # level (written outside the loader) or none for it gives no single answer: the assessment goes ahead
    _rules(users, {"0": 0, "1": 1})
    _delivered_ltc(elder, 3, days_ago=30)  # LTC 3 not in the table
    assert prior_assessment.answer("capability", elder) is None
    assert assessment.assessment_request_submit(actor=family, person=elder).state == "submitted"
    LtcRules.objects.update(capability_map={"0": 0, "1": 1, "2": [2, 3], "3": 3})
    several = make_person(age=80)
    _delivered_ltc(several, 2, days_ago=30)
    assert prior_assessment.answer("capability", several) is None
    assert prior_assessment.answer("capability", make_person(age=80)) is None  # no LTC result at all


def test_other_purposes_are_not_answered(users, elder):
    _rules(users, RULES["capability_map"])
    _delivered_ltc(elder, 3, days_ago=30)
    assert prior_assessment.answer("capability", elder) is not None
    assert prior_assessment.answer("ltc", elder) is None
