"""A password for a resident account that signs in by phone code (portal/services_password.py):
set without one, changed with the current one, Django's validators on the new one, audited, and
refused to staff accounts; the page keeps the session signed in and then the password signs in."""

import pytest
from django.test import Client
from django.urls import reverse

from carecircle.core.models import AuditEvent, User
from carecircle.portal import services
from carecircle.portal.models import ResidentProfile

pytestmark = pytest.mark.django_db

GOOD = "Lantern-Orchard-47!"
BETTER = "Quiet-River-Harbour-93?"


@pytest.fixture
def elder(make_person, users):
    """An older person's own account opened by the community worker: no password, code only."""
    person = make_person(phone="13912345678", age=80)
    user = services.resident_account_create(actor=users["community"], person=person, phone="")
    assert not user.has_usable_password()
    return user


def _post(client, **data):
    return client.post(reverse("portal:account_password"), data)


def test_a_code_only_account_sets_a_password_then_signs_in_with_it(client_for, elder):
    c = client_for(elder)
    page = c.get(reverse("portal:account_password"))
    assert page.status_code == 200 and "设置登录密码" in page.content.decode()
    assert 'for="id_new_password"' in page.content.decode() and "当前密码" not in page.content.decode()
    answer = _post(c, new_password=GOOD, new_password2=GOOD)
    assert answer.status_code == 302 and answer["Location"] == reverse("portal:account")
    elder.refresh_from_db()
    assert elder.check_password(GOOD) and elder.password_changed_at is not None
    assert c.get(reverse("portal:home")).status_code == 200  # the session stays signed in
    event = AuditEvent.objects.get(action="resident.password_set", object_id=str(elder.pk))
    assert event.detail["change"] == "first" and GOOD not in str(event.detail)
    assert Client().login(username=elder.username, password=GOOD)


def test_changing_asks_for_the_current_password(client_for, elder):
    elder.set_password(GOOD)
    elder.save()
    c = client_for(elder)
    assert "当前密码" in c.get(reverse("portal:account_password")).content.decode()
    wrong = _post(c, current_password="not-it", new_password=BETTER, new_password2=BETTER)
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="resident.password_refused", object_id=str(elder.pk)).exists()
    elder.refresh_from_db()
    assert elder.check_password(GOOD)
    right = _post(c, current_password=GOOD, new_password=BETTER, new_password2=BETTER)
    assert right.status_code == 302
    elder.refresh_from_db()
    assert elder.check_password(BETTER)
    event = AuditEvent.objects.get(action="resident.password_set", object_id=str(elder.pk))
    assert event.detail["change"] == "changed"


@pytest.mark.parametrize(
    ("new", "again", "field_message"),
    [
        ("", "", "请输入新密码"),
        (GOOD, GOOD + "x", "两次输入的新密码不一致"),
        ("123456789012", "123456789012", "id_new_password"),  # common and numeric: a validator refuses
        ("Ab1!", "Ab1!", "id_new_password"),  # too short
    ],
)
def test_a_bad_new_password_is_named_on_its_field_and_nothing_saved(
    client_for, elder, new, again, field_message
):
    c = client_for(elder)
    answer = _post(c, new_password=new, new_password2=again)
    html = answer.content.decode()
    assert answer.status_code == 422 and field_message in html and 'aria-invalid="true"' in html
    elder.refresh_from_db()
    assert not elder.has_usable_password()
    assert not AuditEvent.objects.filter(action="resident.password_set").exists()


def test_validator_messages_are_plain_chinese(client_for, elder):
    html = _post(client_for(elder), new_password="Ab1!", new_password2="Ab1!").content.decode()
    assert "密码" in html and "This password" not in html


def test_staff_accounts_are_refused_and_anonymous_sent_to_sign_in(client_for, users, client):
    assert not ResidentProfile.objects.filter(user=users["community"]).exists()
    c = client_for(users["community"])
    assert c.get(reverse("portal:account_password")).status_code == 403
    assert _post(c, new_password=GOOD, new_password2=GOOD).status_code == 403
    assert User.objects.get(pk=users["community"].pk).check_password(GOOD) is False
    assert client.get(reverse("portal:account_password")).status_code == 302
