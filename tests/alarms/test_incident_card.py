"""The incident card (issue 18, "One screen for the incident"): who sees the person's data in clear
(the incident's handler while it is open; nobody else, the handler neither before 接警 nor after
结案), one unmasking audit row per field shown and incident (a refresh writes none), what the card
holds (capability level and the conditions that matter, living situation, devices, recent
incidents, emergency contacts with relation) and its query count, fixed whatever it holds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carecircle.alarms import card, services
from carecircle.alarms.models import Incident, IncidentState
from carecircle.assessment.selectors import care_profile
from carecircle.assessment.services import assessment_record
from carecircle.assessment.types import CapabilityLevel
from carecircle.core.models import AuditEvent
from carecircle.core.roles import Role
from carecircle.registry.models import StatusKind
from carecircle.registry.services import family_contact_add
from tests.alarms.conftest import add_status
from tests.assessment.test_capability import FULL
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PHONE, ADDRESS, SON, DAUGHTER = "13912345678", "桂花苑5幢1单元302室", "13787654321", "13655558888"


@pytest.fixture
def person(make_person, users):
    p = make_person(name="卡片王", age=86, phone=PHONE, address=ADDRESS, latitude=30.2915, longitude=120.1212)
    family_contact_add(actor=users["admin"], person=p, name="王大", relation="儿子", phone=SON)
    family_contact_add(actor=users["admin"], person=p, name="王二", relation="女儿", phone=DAUGHTER)
    add_status(p, StatusKind.LIVING_ALONE)
    add_status(p, StatusKind.DIBAO)
    return p


@pytest.fixture
def operator2(users):
    return make_user("operator2", Role.OPERATOR, "339901000000")


def _incident(person, make_device, users):
    device, _token = make_device(person, kind="sos")
    return services.incident_create(
        person=person, source="device", kind="sos", title="紧急呼叫", device=device, publish=False
    )


def _card(client, incident):
    response = client.get(f"/alarms/incidents/{incident.pk}/card/")
    assert response.status_code == 200
    return response.content.decode()


def _unmaskings(incident):
    return AuditEvent.objects.filter(action="pii.unmask", detail__incident=incident.pk)


def test_the_handler_sees_the_card_in_clear_only_while_handling(
    client_for, users, operator2, person, make_device
):
    incident = _incident(person, make_device, users)
    handler, other = client_for(users["operator"]), client_for(operator2)

    before = _card(handler, incident)  # new: nobody handles it yet
    assert PHONE not in before and ADDRESS not in before and SON not in before
    assert person.phone_masked in before and person.address_masked in before
    assert 'data-exact=""' in before  # the map shows the community, not the home
    assert not card.card_in_clear(users["operator"], incident)

    services.incident_acknowledge(actor=users["operator"], incident_id=incident.pk)
    incident.refresh_from_db()
    assert card.card_in_clear(users["operator"], incident)
    assert not card.card_in_clear(operator2, incident)
    assert not card.card_in_clear(users["admin"], incident)  # the city admin does not handle it

    mine = _card(handler, incident)
    assert PHONE in mine and ADDRESS in mine and SON in mine and DAUGHTER in mine
    assert "儿子" in mine and "女儿" in mine
    assert 'data-exact="1"' in mine and 'data-lat="30.291500"' in mine

    theirs = _card(other, incident)  # another operator of the same centre
    assert PHONE not in theirs and ADDRESS not in theirs and SON not in theirs and DAUGHTER not in theirs
    assert person.address_masked in theirs and 'data-exact=""' in theirs
    page = other.get(f"/alarms/incidents/{incident.pk}/").content.decode()  # the incident's own page
    assert ADDRESS not in page and SON not in page

    services.incident_resolve(actor=users["operator"], incident_id=incident.pk, outcome="help")
    incident.refresh_from_db()
    closed = _card(handler, incident)
    assert PHONE not in closed and ADDRESS not in closed and SON not in closed
    assert person.address_masked in closed
    assert not card.card_in_clear(users["operator"], incident)


def test_one_unmasking_row_per_field_shown_tied_to_the_incident(
    client_for, users, operator2, person, make_device
):
    incident = _incident(person, make_device, users)
    handler = client_for(users["operator"])
    _card(handler, incident)
    assert not _unmaskings(incident).exists(), "nothing shown in clear before 接警"

    handler.post(f"/alarms/incidents/{incident.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    for _ in range(3):  # the console redraws the card on every action and live refresh
        _card(handler, incident)
    handler.get(f"/alarms/incidents/{incident.pk}/")
    rows = list(_unmaskings(incident).order_by("id"))
    shown = sorted((r.detail["field"], r.detail["contact"] or 0) for r in rows)
    contacts = sorted(person.contacts.values_list("pk", flat=True))
    assert shown == sorted(
        [("address", 0), ("location", 0), ("phone", 0)] + [("contact_phone", c) for c in contacts]
    )
    for r in rows:
        assert r.username == "operator" and r.object_type == "registry.person"
        assert r.object_id == str(person.pk) and r.region_code == person.region_code
        assert f"#{incident.pk}" in r.purpose

    client_for(operator2).get(f"/alarms/incidents/{incident.pk}/card/")  # masked: writes nothing
    assert _unmaskings(incident).count() == 5

    # A contact added while the incident is open is shown, and audited, once.
    family_contact_add(actor=users["admin"], person=person, name="王三", relation="孙子", phone="13511112222")
    _card(handler, incident)
    _card(handler, incident)
    assert _unmaskings(incident).count() == 6

    handler.post(f"/alarms/incidents/{incident.pk}/resolve/", {"outcome": "help"}, HTTP_HX_REQUEST="true")
    _card(handler, incident)
    assert _unmaskings(incident).count() == 6, "masked again after 结案: no new unmasking"

    # Another incident of the same person: its own rows.
    second = _incident(person, make_device, users)
    services.incident_acknowledge(actor=users["operator"], incident_id=second.pk)
    _card(handler, second)
    assert _unmaskings(second).count() == 6


def test_two_cards_drawn_at_once_write_each_unmasking_once(users, person, make_device):
    """The action's answer and the console's live refresh may draw the card at the same moment: both
    find the fields unrecorded, and the second to take the incident's lock finds them recorded."""
    incident = _incident(person, make_device, users)
    services.incident_acknowledge(actor=users["operator"], incident_id=incident.pk)
    incident.refresh_from_db()
    shown = card.shown_fields(card.person_card(incident, clear=True))
    assert len(shown) == 5
    for _ in range(2):  # as two requests that both checked before either wrote
        card._audit_unmasking(actor=users["operator"], incident=incident, fields=shown, request=None)
    assert _unmaskings(incident).count() == 5


def test_a_person_without_phone_or_home_position_is_unmasked_for_what_is_shown(
    client_for, users, make_person, make_device
):
    bare = make_person(name="无电话", phone="", address="")
    incident = _incident(bare, make_device, users)
    services.incident_acknowledge(actor=users["operator"], incident_id=incident.pk)
    html = _card(client_for(users["operator"]), incident)
    assert "无电话" in html and 'data-exact=""' in html  # no home position: the community's centre
    assert not _unmaskings(incident).exists()


def test_the_card_holds_the_assessment_living_situation_devices_and_history(
    client_for, users, person, make_device
):
    answers = dict(FULL) | {"B.4.2": 0, "B.2.3": 1, "B.3.6": 3}
    assessment_record(
        actor=users["admin"],
        person=person,
        assessed_on=timezone.localdate() - datetime.timedelta(days=30),
        answers=answers,
        dementia_or_mental_disorder=True,
    )
    profile = care_profile(person)
    assert profile is not None and profile.valid and profile.level >= CapabilityLevel.MILD
    assert profile.conditions[0] == "确诊痴呆或精神和行为障碍"
    assert any(c.startswith("听力：") for c in profile.conditions)
    assert any(c.startswith("平地行走：") for c in profile.conditions)
    assert not any(c.startswith("表达能力") for c in profile.conditions), "a mild item is not listed"

    earlier = _incident(person, make_device, users)
    services.incident_resolve(actor=users["operator"], incident_id=earlier.pk, outcome="false_alarm")
    incident = _incident(person, make_device, users)
    services.incident_acknowledge(actor=users["operator"], incident_id=incident.pk)
    html = _card(client_for(users["operator"]), incident)
    assert profile.level_label in html and "GB/T 42195-2022" in html
    assert "听力：" in html and "确诊痴呆" in html
    assert "独居" in html and "低保" in html  # living situation and the other statuses
    assert "一键呼叫器" in html and "DEV-0001" in html and "DEV-0002" in html
    assert f"/alarms/incidents/{earlier.pk}/" in html and "误报" in html


def test_care_profile_of_a_person_never_assessed_or_expired(make_person, users):
    p = make_person()
    assert care_profile(p) is None
    assessment_record(
        actor=users["admin"],
        person=p,
        assessed_on=timezone.localdate() - datetime.timedelta(days=800),
        answers=FULL,
    )
    old = care_profile(p)
    assert old is not None and not old.valid and old.level == CapabilityLevel.INTACT and old.conditions == ()


def test_outsiders_get_no_card(client_for, users, person, make_device):
    incident = _incident(person, make_device, users)
    for name in ("district_b", "street_b"):
        c = client_for(users[name])
        assert c.get(f"/alarms/incidents/{incident.pk}/card/").status_code == 404
        assert c.get(f"/alarms/incidents/{incident.pk}/").status_code == 404
    assert not _unmaskings(incident).exists()


def _queries(client, incident) -> int:
    """The card's queries, but the session's (the idle timeout renews it now and then)."""
    with CaptureQueriesContext(connection) as captured:
        _card(client, incident)
    return sum(1 for q in captured.captured_queries if "django_session" not in q["sql"])


def test_the_card_query_count_is_fixed(client_for, users, operator2, make_person, make_device):
    """The handler's card (refresh, after its unmaskings were written) and another operator's card
    take as many queries with one contact, device, status and earlier incident as with three."""

    def setup(n):
        p = make_person(phone=PHONE, address=ADDRESS, latitude=30.29, longitude=120.12)
        for k in range(n):
            family_contact_add(actor=users["admin"], person=p, name=f"亲属{k}", relation="子女", phone=SON)
            make_device(p, kind="sos")
            add_status(p, [StatusKind.LIVING_ALONE, StatusKind.DIBAO, StatusKind.TEKUN][k])
            old = services.incident_create(person=p, source="device", kind="sos", title="旧", publish=False)
            Incident.objects.filter(pk=old.pk).update(state=IncidentState.RESOLVED, outcome="help")
        incident = services.incident_create(person=p, source="device", kind="sos", title="新", publish=False)
        services.incident_acknowledge(actor=users["operator"], incident_id=incident.pk)
        services.incident_call(
            actor=users["operator"], incident_id=incident.pk, target="person", outcome="reached"
        )
        return incident

    one, three = setup(1), setup(3)
    handler, other = client_for(users["operator"]), client_for(operator2)
    _card(handler, one)
    _card(handler, three)  # the first view writes the unmaskings
    _card(other, one)  # and a client's first request reads its session's sign-in once
    assert _unmaskings(three).count() == 3 + 3
    assert _queries(handler, one) == _queries(handler, three)
    assert _queries(other, one) == _queries(other, three)
