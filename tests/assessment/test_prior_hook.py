"""The capability request asks core/prior_assessment.py whether an existing assessment of another kind
answers it (issue 22 item 1) without knowing which module answers: with no module answering, every
request goes ahead; an answer refuses it (409) with the answer's message and saves nothing."""

import datetime
from types import SimpleNamespace

import pytest

from carecircle.assessment import services as assessment
from carecircle.assessment.models import AssessmentRequest
from carecircle.core import plugins, prior_assessment
from carecircle.core.errors import Conflict
from carecircle.core.models import User
from carecircle.core.prior_assessment import PriorAnswer
from tests.timebank.helpers import link

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_and_elder(users, make_person):
    family = User.objects.create_user(username="family-hook", password="x", display_name="李小红")
    person = make_person(age=79)
    link(family, person)
    return family, person


def _only(modules, monkeypatch):
    real = plugins.optional_submodules
    monkeypatch.setattr(
        plugins, "optional_submodules", lambda name: modules if name == "prior_assessments" else real(name)
    )


def test_no_answering_module_lets_the_request_go_ahead(family_and_elder, monkeypatch):
    family, person = family_and_elder
    _only([], monkeypatch)
    assert prior_assessment.answer("capability", person) is None
    assert assessment.assessment_request_submit(actor=family, person=person).state == "submitted"


def test_an_answer_refuses_the_request_with_its_message(family_and_elder, monkeypatch):
    family, person = family_and_elder
    said = "该老人已于2026-10-01取得长期护理失能等级评估结果（中度失能）"
    asked = []

    def answer(purpose, who, day=None):
        asked.append((purpose, who.pk))
        return PriorAnswer(existing_on=datetime.date(2026, 10, 1), level=2, message=said)

    _only([SimpleNamespace(answer=answer)], monkeypatch)
    with pytest.raises(Conflict) as exc:
        assessment.assessment_request_submit(actor=family, person=person)
    assert exc.value.status == 409 and exc.value.field == "person" and str(exc.value.message) == said
    assert asked == [("capability", person.pk)] and not AssessmentRequest.objects.exists()


def test_a_module_that_answers_none_lets_it_go_ahead(family_and_elder, monkeypatch):
    family, person = family_and_elder
    _only([SimpleNamespace(answer=lambda purpose, who, day=None: None)], monkeypatch)
    assert assessment.assessment_request_submit(actor=family, person=person).state == "submitted"
