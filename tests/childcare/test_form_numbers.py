"""Record numbers typed into page forms (issue 13): text or 20 digits where a number is expected is a
message naming the field, never a server error (an id beyond SQLite's integers raised OverflowError)."""

import pytest

from carecircle.childcare import services
from carecircle.core.errors import InvalidInput
from carecircle.core.limits import parse_id
from tests.childcare.conftest import today

HUGE = "9" * 20


@pytest.fixture
def enrolment(users, nursery, make_child):
    cls = services.class_create(
        actor=users["admin"], facility=nursery, name="星星班", band="big", capacity=12, caregivers=2
    )
    kid = make_child(30)
    return services.enrol(actor=users["admin"], child_class=cls, child=kid, start_on=today())


@pytest.mark.parametrize("value", ["abc", HUGE, "", "-1"])
def test_page_forms_refuse_bad_record_numbers(users, client_for, enrolment, nursery, value):
    c = client_for(users["district"])
    for url, data in (
        (f"/childcare/classes/{enrolment.child_class_id}/enrol/", {"child": value}),
        (f"/childcare/enrolments/{enrolment.pk}/move/", {"to_class": value}),
        ("/childcare/vouchers/redeem/", {"code": "X", "facility": value}),
    ):
        r = c.post(url, data, follow=True)
        assert r.status_code < 500, (url, value, r.status_code)
    phone = client_for(users["operator"]).post(
        "/alarms/incidents/new/", {"person_id": value, "kind": "phone"}
    )
    assert phone.status_code < 500


def test_parse_id():
    assert parse_id(" 42 ", "person_id") == 42
    for bad in ("abc", HUGE, "", None, "0", "1.5"):
        with pytest.raises(InvalidInput) as refused:
            parse_id(bad, "person_id")
        assert refused.value.field == "person_id"
