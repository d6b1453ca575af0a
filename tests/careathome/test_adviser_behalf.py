"""委托代办 (issue 22 item 6): the adviser applies on the person's behalf only under a recorded,
unrevoked consent for that purpose; the application is the module's own and is recorded as made by
the adviser for the person (its row and the audit trail)."""

import copy

import pytest

from carecircle.careathome import adviser_services, services
from carecircle.careathome.models.beds import ConsentPurpose, OnBehalfApplication
from carecircle.careathome.models.homes import AdaptationCase
from carecircle.careathome.models.ltc import LtcAssessment, LtcStatus
from carecircle.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from carecircle.core.models import AuditEvent
from tests.careathome.homes_helpers import eligible_person, setup_programme
from tests.careathome.ltc_table import TABLE
from tests.careathome.test_ltc_process import CITY, RULES
from tests.conftest import COMMUNITY_A

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def plan(users, make_person):
    services.ltc_scale_load(actor=users["admin"], region_code=CITY, **copy.deepcopy(TABLE))
    services.ltc_rules_load(actor=users["admin"], region_code=CITY, **RULES)
    setup_programme()
    person = eligible_person(make_person, COMMUNITY_A)
    return adviser_services.adviser_assign(
        actor=users["community"], person=person, adviser_id=users["community"].pk
    )


def _consent(users, plan, purpose):
    return adviser_services.consent_record(
        actor=users["community"], plan=plan, purpose=purpose, given_by="钱小明", relation="儿子"
    )


def test_without_consent_nothing_is_applied(users, plan):
    for purpose in (ConsentPurpose.LTC, ConsentPurpose.ADAPTATION, ConsentPurpose.FAMILY_BED):
        with pytest.raises(Conflict, match="尚未记录") as exc:
            adviser_services.apply_on_behalf(actor=users["community"], plan=plan, purpose=purpose)
        assert exc.value.field == "purpose"
    _consent(users, plan, ConsentPurpose.ADAPTATION)  # a consent for another purpose does not count
    with pytest.raises(Conflict, match="长期护理"):
        adviser_services.apply_on_behalf(actor=users["community"], plan=plan, purpose=ConsentPurpose.LTC)
    assert not LtcAssessment.objects.exists() and not OnBehalfApplication.objects.exists()
    assert not AuditEvent.objects.filter(action="adviser.on_behalf").exists()


def test_with_consent_the_adviser_applies_and_it_is_recorded_as_theirs(users, plan):
    consent = _consent(users, plan, ConsentPurpose.LTC)
    users["community"].display_name = "周顾问"
    users["community"].save(update_fields=["display_name"])
    row = adviser_services.apply_on_behalf(actor=users["community"], plan=plan, purpose=ConsentPurpose.LTC)
    ltc = LtcAssessment.objects.get(pk=row.object_id)
    assert ltc.person_id == plan.person_id and ltc.status == LtcStatus.APPLIED
    assert ltc.applicant_kind == "worker" and "养老顾问代办" in ltc.applicant_name
    assert ltc.applicant_name == "周顾问（养老顾问代办）"  # the adviser's name, not the login
    assert (row.adviser_id, row.consent_id, row.purpose) == (users["community"].pk, consent.pk, "ltc")
    event = AuditEvent.objects.get(action="adviser.on_behalf")
    assert event.user_id == users["community"].pk and event.detail["person_id"] == plan.person_id
    assert (
        event.detail["consent"] == consent.pk
        and event.detail["object"] == f"careathome.ltcassessment:{ltc.pk}"
    )
    _consent(users, plan, ConsentPurpose.ADAPTATION)
    case_row = adviser_services.apply_on_behalf(
        actor=users["community"], plan=plan, purpose=ConsentPurpose.ADAPTATION
    )
    assert AdaptationCase.objects.get(pk=case_row.object_id).person_id == plan.person_id


def test_a_revoked_consent_refuses_and_a_new_one_allows(users, plan):
    consent = _consent(users, plan, ConsentPurpose.ADAPTATION)
    adviser_services.consent_revoke(actor=users["community"], consent=consent)
    with pytest.raises(Conflict, match="已撤回"):
        adviser_services.apply_on_behalf(
            actor=users["community"], plan=plan, purpose=ConsentPurpose.ADAPTATION
        )
    with pytest.raises(Conflict, match="已于"):
        adviser_services.consent_revoke(actor=users["community"], consent=consent)
    assert not AdaptationCase.objects.exists()
    assert AuditEvent.objects.filter(action="adviser.consent_revoke").count() == 1
    _consent(users, plan, ConsentPurpose.ADAPTATION)
    adviser_services.apply_on_behalf(actor=users["community"], plan=plan, purpose=ConsentPurpose.ADAPTATION)
    assert AdaptationCase.objects.count() == 1


def test_only_the_plans_adviser_and_only_in_scope(users, plan):
    _consent(users, plan, ConsentPurpose.LTC)
    with pytest.raises(Forbidden, match="养老顾问"):
        adviser_services.apply_on_behalf(actor=users["street"], plan=plan, purpose=ConsentPurpose.LTC)
    with pytest.raises(NotFound):  # another community's worker does not see the person
        adviser_services.apply_on_behalf(actor=users["community_b"], plan=plan, purpose=ConsentPurpose.LTC)
    assert not LtcAssessment.objects.exists()


def test_a_refused_application_saves_no_record_and_allowances_need_none(users, plan):
    _consent(users, plan, ConsentPurpose.FAMILY_BED)
    with pytest.raises(InvalidInput):  # the bed's own checks: no home assessment, no provider
        adviser_services.apply_on_behalf(
            actor=users["community"], plan=plan, purpose=ConsentPurpose.FAMILY_BED
        )
    _consent(users, plan, ConsentPurpose.ALLOWANCE)
    with pytest.raises(InvalidInput, match="免申即享"):
        adviser_services.apply_on_behalf(
            actor=users["community"], plan=plan, purpose=ConsentPurpose.ALLOWANCE
        )
    assert not OnBehalfApplication.objects.exists()


def test_the_page_applies_only_under_consent_and_withdraws_it(users, plan, client_for):
    client = client_for(users["community"])
    url = f"/careathome/adviser/{plan.person_id}/"
    refused = client.post(url + "on-behalf/", {"purpose": "ltc"})
    assert refused.status_code == 409 and "尚未记录" in refused.content.decode()
    assert not LtcAssessment.objects.exists()
    consent = _consent(users, plan, ConsentPurpose.LTC)
    assert client.post(url + "on-behalf/", {"purpose": "ltc"}).status_code == 302
    page = client.get(url).content.decode()
    assert "代办长期护理失能评估申请" in page and LtcAssessment.objects.count() == 1
    assert client.post(url + "revoke/", {"consent_id": consent.pk}).status_code == 302
    assert "已撤回" in client.get(url).content.decode()
    assert client.post(url + "revoke/", {}).status_code == 422
    outsider = client_for(users["community_b"])
    assert outsider.post(url + "on-behalf/", {"purpose": "ltc"}).status_code == 404
    assert outsider.post(url + "revoke/", {"consent_id": consent.pk}).status_code == 404


def test_the_page_applies_for_a_family_bed_with_its_contract_fields(users, make_person, client_for):
    """A family bed on the person's behalf from the page: the contract's provider, frequency and home
    assessment are asked on the form; one missing is refused naming it (nothing saved); filled in,
    the bed is signed and recorded as the adviser's application."""
    from carecircle.careathome.models.beds import FamilyBed
    from tests.careathome.beds_helpers import provider, setup
    from tests.careathome.test_beds_adviser import _assessed

    setup()
    person = _assessed(make_person, 10)  # 重度失能: the family-bed rule admits the person
    plan = adviser_services.adviser_assign(
        actor=users["community"], person=person, adviser_id=users["community"].pk
    )
    _consent(users, plan, ConsentPurpose.FAMILY_BED)
    client = client_for(users["community"])
    url = f"/careathome/adviser/{person.pk}/"
    page = client.get(url).content.decode()
    assert "服务机构（家庭养老床位）" in page and "入户评估意见（家庭养老床位）" in page
    home = provider(users)
    form = {"purpose": "family_bed", "provider": home.pk, "visit_every_days": "7"}
    missing = client.post(url + "on-behalf/", form)  # no home assessment
    assert missing.status_code == 422 and "请填写入户评估意见" in missing.content.decode()
    assert not FamilyBed.objects.exists() and not OnBehalfApplication.objects.exists()
    done = client.post(url + "on-behalf/", {**form, "assessment_note": "卧床，需离床监测"})
    assert done.status_code == 302
    bed = FamilyBed.objects.get(person=person)
    assert (bed.provider_id, bed.visit_every_days) == (home.pk, 7)
    row = OnBehalfApplication.objects.get(purpose="family_bed")
    assert (row.object_id, row.adviser_id) == (bed.pk, users["community"].pk)
