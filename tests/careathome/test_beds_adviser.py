"""The care adviser's page (养老顾问, issue 22 item 6): one plan per person gathered across modules,
the days from the assessment to the first service, what is pending and who acts, the adviser named
and a 委托代办 consent recorded; refused outside the user's regions."""

import datetime

import pytest
from django.utils import timezone

from carecircle.careathome import beds_services
from carecircle.careathome.models.beds import AdviserPlan, DelegationConsent
from tests.assessment.factories import capability_on_file
from tests.careathome.beds_helpers import provider, setup
from tests.conftest import COMMUNITY_A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _assessed(make_person, days_ago: int):

    person = make_person(region_code=COMMUNITY_A, age=83, name="钱秀兰")
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    capability_on_file(
        person, 3, assessed_on=day, valid_from=day, valid_to=day + datetime.timedelta(days=365)
    )
    return person


def test_the_plan_gathers_the_services_and_counts_days_to_the_first(users, make_person, client_for):
    setup()
    person = _assessed(make_person, 10)  # 重度失能: the family-bed rule admits the person
    bed = beds_services.bed_contract(
        actor=users["community"],
        person=person,
        provider=provider(users),
        visit_every_days=7,
        assessment_note="需离床监测",
        starts_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    beds_services.missed_visits_check(today=timezone.localdate() + datetime.timedelta(days=7))
    client = client_for(users["community"])
    page = client.get(f"/careathome/adviser/{person.pk}/").content.decode()
    assert "评估后 7 天开始首次服务（家庭养老床位）" in page
    assert f"/careathome/beds/{bed.pk}/" in page and "重度失能" in page
    assert "家庭养老床位漏访 1 次" in page and "颐家居家养老服务中心（补上门服务）" in page
    assert client_for(users["community_b"]).get(f"/careathome/adviser/{person.pk}/").status_code == 404


def test_one_adviser_plan_per_person_and_consent_recorded(users, make_person, client_for):
    person = make_person(region_code=COMMUNITY_A, age=78)
    client = client_for(users["community"])
    url = f"/careathome/adviser/{person.pk}/"
    # consent before an adviser is named: refused
    assert (
        client.post(url + "consent/", {"purpose": "ltc", "given_by": "李明", "relation": "儿子"}).status_code
        == 409
    )
    # an adviser of another district cannot hold the plan
    bad = client.post(url + "assign/", {"adviser_id": users["community_b"].pk})
    assert bad.status_code == 422 and "养老顾问" in bad.content.decode()
    assert client.post(url + "assign/", {"adviser_id": users["community"].pk}).status_code == 302
    assert client.post(url + "assign/", {"adviser_id": users["street"].pk}).status_code == 302
    assert AdviserPlan.objects.filter(person=person).count() == 1
    assert AdviserPlan.objects.get(person=person).adviser == users["street"]
    users["street"].display_name = "赵顾问"
    users["street"].save(update_fields=["display_name"])
    shown = client.get(url).content.decode()
    assert '<p id="adviser">赵顾问</p>' in shown  # the adviser by name, never the login
    missing = client.post(url + "consent/", {"purpose": "ltc", "given_by": "", "relation": "儿子"})
    assert missing.status_code == 422 and "委托人" in missing.content.decode()
    ok = client.post(url + "consent/", {"purpose": "ltc", "given_by": "李明", "relation": "儿子"})
    assert ok.status_code == 302 and DelegationConsent.objects.count() == 1
    assert "代办长期护理失能评估申请：李明（儿子）" in client.get(url).content.decode()
    outsider = client_for(users["community_b"])
    assert (
        outsider.post(url + "consent/", {"purpose": "ltc", "given_by": "x", "relation": "y"}).status_code
        == 404
    )
    assert DelegationConsent.objects.count() == 1
