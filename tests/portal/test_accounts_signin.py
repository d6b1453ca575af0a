"""Signing in by phone and a one-time code (portal/accounts.py): sent through the outbox, stored
hashed, good once and for 5 minutes, limited per phone and per client address, wrong codes locked
like wrong passwords, the session marked by the core's sign-in and audited."""

import datetime

import pytest
from django.test import RequestFactory

from carecircle.core import signin
from carecircle.core.credentials import LoginRefused
from carecircle.core.errors import InvalidInput
from carecircle.core.models import AuditEvent
from carecircle.portal import accounts, services
from carecircle.portal.accounts import TooManyCodes
from carecircle.portal.models import ResidentProfile, SignInCode
from carecircle.registry.models import FamilyContact, LinkState, Person
from carecircle.registry.selectors import family_persons

pytestmark = pytest.mark.django_db

ELDER_PHONE = "13912345678"


@pytest.fixture
def sent(monkeypatch):
    """The codes sent, by phone: the real outbox is called, the code read on its way there."""
    bodies: list[tuple[str, str]] = []
    real = accounts.message_send

    def spy(**kw):
        bodies.append((kw["phone"], kw["body"]))
        return real(**kw)

    monkeypatch.setattr(accounts, "message_send", spy)
    return bodies


def _code_of(body: str) -> str:
    return "".join(ch for ch in body.split("验证码是")[1][:6])


def _request(ip="10.0.0.1"):
    return RequestFactory().post("/portal/signin/", REMOTE_ADDR=ip)


def test_a_code_goes_to_the_phone_through_the_outbox_and_is_stored_hashed(make_person, sent):
    make_person(phone=ELDER_PHONE)
    result = services.code_request(phone="+86 139-1234-5678", request=_request())
    assert result.phone_masked.startswith("139") and "5678" in result.phone_masked
    [(phone, body)] = sent
    code = _code_of(body)
    assert phone == ELDER_PHONE and len(code) == 6 and code.isdigit()
    row = SignInCode.objects.get()
    assert code not in row.code_hash and row.used_at is None
    assert (row.expires_at - row.created_at) == datetime.timedelta(minutes=5)
    from carecircle.portal.models import Message
    from carecircle.portal.types import MessageKind

    message = Message.objects.get(key=row.message_key)
    assert message.kind == MessageKind.OTP_CODE and code not in message.body
    assert AuditEvent.objects.filter(action="resident.code_send").count() == 1


def test_an_unknown_number_is_sent_nothing_but_answered_alike(sent):
    result = services.code_request(phone=ELDER_PHONE, request=_request())
    assert result.minutes == 5 and sent == []
    assert SignInCode.objects.count() == 1  # counted all the same


def test_a_bad_number_names_the_field():
    with pytest.raises(InvalidInput) as exc:
        services.code_request(phone="12345", request=_request())
    assert exc.value.field == "phone"


def test_the_older_persons_own_account_is_opened_by_the_first_sign_in(make_person, sent):
    person = make_person(phone=ELDER_PHONE, age=78)
    services.code_request(phone=ELDER_PHONE, request=_request())
    user = services.code_sign_in(phone=ELDER_PHONE, code=_code_of(sent[-1][1]), request=_request())
    person.refresh_from_db()
    assert person.user == user
    assert ResidentProfile.objects.get(user=user).phone_masked
    assert list(family_persons(user)) == [person]
    assert AuditEvent.objects.filter(action="resident.account_create", object_id=str(person.pk)).exists()


def test_a_code_is_good_once(make_person, sent):
    make_person(phone=ELDER_PHONE)
    services.code_request(phone=ELDER_PHONE, request=_request())
    code = _code_of(sent[-1][1])
    services.code_sign_in(phone=ELDER_PHONE, code=code, request=_request())
    with pytest.raises(LoginRefused) as exc:
        services.code_sign_in(phone=ELDER_PHONE, code=code, request=_request())
    assert "已失效" in str(exc.value.message)
    assert AuditEvent.objects.filter(action="user.sign_in_failed", detail__via="phone").count() == 1


def test_an_expired_code_is_refused(make_person, sent):
    make_person(phone=ELDER_PHONE)
    services.code_request(phone=ELDER_PHONE, request=_request())
    SignInCode.objects.update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(LoginRefused):
        services.code_sign_in(phone=ELDER_PHONE, code=_code_of(sent[-1][1]), request=_request())
    assert Person.objects.get().user is None


def test_sending_is_limited_per_phone(make_person, settings, sent):
    make_person(phone=ELDER_PHONE)
    settings.CARECIRCLE_PHONE_CODE_INTERVAL_SECONDS = 0
    settings.CARECIRCLE_PHONE_CODE_PER_PHONE = 3
    for n in range(3):
        services.code_request(phone=ELDER_PHONE, request=_request(f"10.0.0.{n}"))
    with pytest.raises(TooManyCodes) as exc:
        services.code_request(phone=ELDER_PHONE, request=_request("10.0.0.9"))
    assert exc.value.status == 429 and "次数过多" in str(exc.value.message)
    assert len(sent) == 3
    assert AuditEvent.objects.filter(action="resident.code_refused").count() == 1


def test_a_second_code_within_the_interval_is_refused(make_person, sent):
    make_person(phone=ELDER_PHONE)
    services.code_request(phone=ELDER_PHONE, request=_request())
    with pytest.raises(TooManyCodes) as exc:
        services.code_request(phone=ELDER_PHONE, request=_request())
    assert "秒后" in str(exc.value.message)


def test_sending_is_limited_per_address(settings, sent):
    settings.CARECIRCLE_PHONE_CODE_PER_ADDRESS = 4
    for n in range(4):
        services.code_request(phone=f"1391234{n:04d}", request=_request("10.9.9.9"))
    with pytest.raises(TooManyCodes) as exc:
        services.code_request(phone="13912349999", request=_request("10.9.9.9"))
    assert "本设备" in str(exc.value.message)
    services.code_request(phone="13912349999", request=_request("10.9.9.10"))  # another address may


def test_wrong_codes_lock_the_phone(make_person, settings, sent):
    settings.CARECIRCLE_OTP_MAX_FAILURES = 3
    make_person(phone=ELDER_PHONE)
    services.code_request(phone=ELDER_PHONE, request=_request())
    good = _code_of(sent[-1][1])
    wrong = "000000" if good != "000000" else "111111"
    for _n in range(3):
        with pytest.raises(LoginRefused):
            services.code_sign_in(phone=ELDER_PHONE, code=wrong, request=_request())
    with pytest.raises(LoginRefused) as exc:
        services.code_sign_in(phone=ELDER_PHONE, code=good, request=_request())
    assert "错误次数过多" in str(exc.value.message)
    assert AuditEvent.objects.filter(action="user.locked", detail__via="phone").exists()


def test_a_family_contacts_phone_opens_a_family_account_with_pending_links(make_person, users, sent):
    from carecircle.registry.services import family_contact_add

    mother = make_person(age=80, phone="13800000001")
    family_contact_add(
        actor=users["admin"], person=mother, name="王小明", relation="儿子", phone="13700001111"
    )
    services.code_request(phone="13700001111", request=_request())
    user = services.code_sign_in(phone="13700001111", code=_code_of(sent[-1][1]), request=_request())
    link = FamilyContact.objects.get(person=mother, user=user)
    assert link.link_state == LinkState.PENDING
    assert list(family_persons(user)) == []  # pending counts for nothing


def test_the_pages_sign_in_and_mark_the_session(client, make_person, sent):
    person = make_person(phone=ELDER_PHONE)
    response = client.post("/portal/signin/", {"phone": ELDER_PHONE})
    assert response.status_code == 302 and response["Location"] == "/portal/signin/code/"
    response = client.post("/portal/signin/code/", {"code": "12"})
    assert response.status_code == 422 and "6位数字" in response.content.decode()
    response = client.post("/portal/signin/code/", {"code": _code_of(sent[-1][1])})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    person.refresh_from_db()
    request = RequestFactory().get("/")
    request.user, request.session = person.user, client.session
    assert signin.status(request) == signin.OK
    assert (
        AuditEvent.objects.filter(action="user.sign_in", detail__via="phone", user=person.user).count() == 1
    )


def test_the_page_says_too_many_in_plain_words(client, make_person):
    make_person(phone=ELDER_PHONE)
    client.post("/portal/signin/", {"phone": ELDER_PHONE})
    response = client.post("/portal/signin/", {"phone": ELDER_PHONE})
    assert response.status_code == 429 and "秒后再重新获取" in response.content.decode()
