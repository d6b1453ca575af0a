"""The masking rule of core/vault.py (issue 13, High 1): what a masked value shows, why it leaves at
least 1,000 candidates, and that the clear values remain reachable by an audited unmasking."""

import calendar
import datetime
import importlib

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from carecircle.core.ages import age_on
from carecircle.core.models import AuditEvent
from carecircle.core.vault import (
    mask_address,
    mask_id_number,
    mask_phone,
    shown_age,
    shown_age_months,
    shown_birth,
)
from carecircle.registry import selectors
from carecircle.registry.identity import with_check_digit
from carecircle.registry.models import Person

DAYS = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


def test_an_id_number_shows_its_place_only():
    number = with_check_digit("33010619500317123")
    assert mask_id_number(number) == "330106" + "*" * 12
    assert mask_id_number("330106500317123") == "330106" + "*" * 9  # the old 15-digit number
    assert mask_id_number("") == ""


def test_counting_the_candidates_the_rule_leaves():
    """Place, sex and birth month known: (days of the month) x (500 sequences of the right parity),
    each with exactly one valid check digit — at least 28 x 500 = 14,000."""
    birth = datetime.date(2023, 2, 14)  # the shortest month
    shown = mask_id_number(with_check_digit(f"330106{birth:%Y%m%d}124"))
    candidates = {
        with_check_digit(f"330106{datetime.date(2023, 2, d):%Y%m%d}{seq:03d}")
        for d in range(1, calendar.monthrange(2023, 2)[1] + 1)
        for seq in range(0, 1000, 2)
    }
    assert all(c[:6] == shown[:6] for c in candidates) and len(candidates) == 28 * 500 >= 1000


@given(st.text(alphabet="0123456789-+ ", max_size=20))
def test_a_phone_keeps_at_least_four_digits_hidden(raw):
    digits = [ch for ch in raw if ch.isdigit()]
    masked = mask_phone(raw)
    assert masked.count("*") >= min(4, len(digits))
    assert len(masked) == len(digits)
    shown = [ch for ch in masked if ch != "*"]
    assert len(shown) <= max(0, len(digits) - 4)


def test_phone_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0571-88123456") == "057*****3456"
    assert mask_phone("88123456") == "****3456"
    assert mask_phone("1234567") == "****567"
    assert mask_phone("") == ""


def test_an_address_shows_no_character():
    assert mask_address("桂花苑3幢2单元501室") == "****"
    assert mask_address("  ") == ""


@given(DAYS, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30), DAYS)
def test_shown_ages_depend_on_the_birth_month_only(first, a, b, day):
    last = calendar.monthrange(first.year, first.month)[1]
    one, two = first.replace(day=1 + a % last), first.replace(day=1 + b % last)
    assert shown_birth(one) == shown_birth(two)
    assert shown_age(one, day) == shown_age(two, day)
    assert shown_age_months(one, day) == shown_age_months(two, day)
    if day >= one:  # never below the exact age, at most one above
        assert 0 <= shown_age(one, day) - age_on(one, day) <= 1


def test_the_api_shows_the_masked_person_and_unmask_gives_the_rest(users, make_person, client_for):
    birth = datetime.date(1950, 3, 17)
    p = make_person(
        birth=birth,
        sex="M",
        phone="13912345678",
        address="翠微里17幢3单元602室",
        latitude=30.3137,
        longitude=120.0837,
    )
    client = client_for(users["street"])
    row = client.get(f"/api/v1/persons/{p.pk}").json()
    assert row["birth_month"] == "1950-03" and "birth_date" not in row
    assert row["id_number"] == p.id_number[:6] + "*" * 12
    assert row["phone"] == "139****5678" and row["address"] == "****"
    assert row["latitude"] is None and row["longitude"] is None
    listed = client.get("/api/v1/persons").json()["results"]
    assert {r["id_number"] for r in listed} == {p.id_number[:6] + "*" * 12}
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert "1950-03" in page and "1950-03-17" not in page and "翠微" not in page

    before = AuditEvent.objects.filter(action="pii.unmask").count()
    plain = client.post(
        f"/api/v1/persons/{p.pk}/unmask", {"purpose": "上门核实"}, content_type="application/json"
    ).json()
    assert plain["id_number"] == p.id_number and plain["birth_date"] == "1950-03-17"
    assert plain["address"] == "翠微里17幢3单元602室" and plain["latitude"] == 30.3137
    assert AuditEvent.objects.filter(action="pii.unmask").count() == before + 1
    page = client.post(f"/people/{p.pk}/unmask/", {"purpose": "上门核实"}).content.decode()
    assert "1950-03-17" in page and p.id_number in page


def test_staff_still_find_a_person_by_the_whole_id_number(users, make_person, client_for):
    p = make_person(name="赵桂兰")
    make_person(name="钱秀英")
    client = client_for(users["community"])
    found = client.get("/api/v1/persons", {"q": p.id_number}).json()["results"]
    assert [r["id"] for r in found] == [p.pk]
    assert client.get("/api/v1/persons", {"q": p.id_number[-4:]}).json()["count"] == 0
    assert "赵桂兰" in client.get("/people/", {"q": p.id_number}).content.decode()


def test_editing_a_person_keeps_coordinates_it_does_not_show(users, make_person, client_for):
    p = make_person(latitude=30.3137, longitude=120.0837)
    client = client_for(users["street"])
    form = client.get(f"/people/{p.pk}/edit/").content.decode()
    assert "30.3137" not in form and "120.0837" not in form
    client.post(f"/people/{p.pk}/edit/", {"name": "新名字", "region_code": p.region_code})
    p.refresh_from_db()
    assert p.name == "新名字" and (p.latitude, p.longitude) == (30.3137, 120.0837)


def test_groups_shown_follow_the_shown_age(users, make_person):
    today = datetime.date.today()
    p = make_person(birth=today.replace(year=today.year - 80) - datetime.timedelta(days=40))
    assert "高龄" in selectors.derived_groups(p, today)
    assert selectors.derived_groups(p, today) == selectors.derived_groups(
        Person(birth_date=p.birth_date.replace(day=1)), today
    )


def test_the_migration_remasks_what_the_old_rule_stored(users, make_person):
    p = make_person(phone="1234567", address="桂花苑3幢2单元501室")
    Person.objects.filter(pk=p.pk).update(
        id_masked=p.id_number[:6] + "********" + p.id_number[-4:],
        phone_masked="123****4567",
        address_masked="桂花苑3****",
    )
    importlib.import_module("carecircle.registry.migrations.0006_mask_remask").remask(apps, None)
    p.refresh_from_db()
    assert p.id_masked == p.id_number[:6] + "*" * 12
    assert (p.phone_masked, p.address_masked) == ("****567", "****")


@pytest.mark.django_db
def test_an_alarm_card_shows_the_home_to_whoever_handles_the_open_incident(users, make_person, client_for):
    from carecircle.alarms.services import incident_open_by_phone, incident_resolve

    p = make_person(latitude=30.3137, longitude=120.0837)
    incident = incident_open_by_phone(actor=users["operator"], person=p, note="来电")
    audited = AuditEvent.objects.filter(action="pii.unmask", object_id=str(p.pk))
    card = client_for(users["operator"]).get(f"/alarms/incidents/{incident.pk}/card/").content.decode()
    assert "30.313700" in card and p.phone in card and p.address in card  # the handler (alarms/card.py)
    # one unmasking per field shown, for the incident, audited once however often the card is drawn
    client_for(users["operator"]).get(f"/alarms/incidents/{incident.pk}/card/")
    assert sorted(e.detail["field"] for e in audited) == ["address", "location", "phone"]
    assert all(e.detail["incident"] == incident.pk for e in audited)
    card = client_for(users["community"]).get(f"/alarms/incidents/{incident.pk}/card/").content.decode()
    assert "30.3137" not in card and p.address not in card and audited.count() == 3  # does not handle it
    incident_resolve(actor=users["operator"], incident_id=incident.pk, outcome="false_alarm")
    card = client_for(users["operator"]).get(f"/alarms/incidents/{incident.pk}/card/").content.decode()
    assert "30.3137" not in card and p.address not in card and audited.count() == 3
