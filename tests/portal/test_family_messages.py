"""Family members get their parents' messages (portal/family_copies.py): each family account with
an ACTIVE link gets its own copy, once however often the producer runs, routed by its own choices;
a pending or ended link gets nothing, nor does a one-time code go to anyone but the phone."""

import pytest

from carecircle.core.vault import phone_index
from carecircle.portal import outbox, producers, services
from carecircle.portal.fake_gateway import FakeGateway
from carecircle.portal.family_copies import PersonMessageSpec, family_key
from carecircle.portal.models import Delivery, Message, ResidentProfile
from carecircle.portal.types import MessageKind
from carecircle.registry.models import FamilyContact, LinkState
from tests.conftest import COMMUNITY_A, make_user
from tests.portal.test_producers import paid  # noqa: F401 — the paid-batch fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    with FakeGateway() as gw:
        settings.CARECIRCLE_SMS_GATEWAY_URL = gw.url
        yield gw


def _family(username, phone, person, state=LinkState.ACTIVE):
    user = make_user(username, "resident", COMMUNITY_A)
    ResidentProfile.objects.create(
        user=user,
        region_code=COMMUNITY_A,
        phone=phone,
        phone_masked=phone[:3] + "****",
        phone_hash=phone_index(phone),
    )
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        user=user,
        name=username,
        relation="女儿",
        link_state=state,
    )
    return user


@pytest.fixture
def mother(make_person, users):
    """An 82-year-old with her own account, two children linked (one active, one only pending),
    and a son whose link was ended."""
    person = make_person(age=82, name="王奶奶", phone="13900000001")
    person.user = users["resident"]
    person.save(update_fields=["user"])
    daughter = _family("daughter", "13900000002", person)
    pending = _family("pending_son", "13900000003", person, LinkState.PENDING)
    ended = _family("ended_son", "13900000004", person, LinkState.ENDED)
    return {"person": person, "daughter": daughter, "pending": pending, "ended": ended}


def test_a_message_to_the_older_person_reaches_the_linked_daughter_once(gateway, mother, users):
    args = {
        "key": "alarm_handled:7",
        "kind": MessageKind.ALARM_HANDLED,
        "recipient": users["resident"],
        "phone": "13900000001",
        "region_code": COMMUNITY_A,
        "title": "紧急呼叫已处理",
        "body": "您的呼叫已处理完毕。",
    }
    services.message_send(**args)
    services.message_send(**args)  # the producer runs again: nothing more
    copy = Message.objects.get(recipient=mother["daughter"])
    assert copy.key == family_key("alarm_handled:7", mother["daughter"].pk)
    assert copy.in_inbox and "王奶奶" in copy.title and "王奶奶" in copy.body and copy.phone == "13900000002"
    assert not Message.objects.filter(recipient__in=[mother["pending"], mother["ended"]]).exists()
    assert Message.objects.count() == 2 and Delivery.objects.count() == 2
    outbox.deliver_due()
    assert gateway.state.record()["sends"] == {"alarm_handled:7": 1, copy.key: 1}


def test_each_recipients_own_choices_are_respected(gateway, mother, users):
    services.preferences_set(actor=mother["daughter"], choices={MessageKind.ALLOWANCE_GRANTED: (True, False)})
    services.message_send(
        key="payment:1",
        kind=MessageKind.ALLOWANCE_GRANTED,
        recipient=users["resident"],
        region_code=COMMUNITY_A,
        title="补贴已发放",
        body="您3月的高龄津贴100元已发放。",
    )
    copy = Message.objects.get(recipient=mother["daughter"])
    assert copy.in_inbox and not Delivery.objects.filter(message=copy).exists()  # inbox only, as she chose
    services.preferences_set(
        actor=mother["daughter"], choices={MessageKind.ALLOWANCE_GRANTED: (False, False)}
    )
    services.message_send(
        key="payment:2",
        kind=MessageKind.ALLOWANCE_GRANTED,
        recipient=users["resident"],
        region_code=COMMUNITY_A,
        title="补贴已发放",
        body="您4月的高龄津贴100元已发放。",
    )
    second = Message.objects.get(key=family_key("payment:2", mother["daughter"].pk))
    assert not second.in_inbox and not Delivery.objects.filter(message=second).exists()


def test_a_one_time_code_is_never_copied(gateway, mother, users):
    services.message_send(
        key="otp:1",
        kind=MessageKind.OTP_CODE,
        recipient=users["resident"],
        phone="13900000001",
        region_code=COMMUNITY_A,
        title="登录验证码",
        body="您的验证码是123456",
    )
    assert Message.objects.count() == 1


def test_bulk_copies_for_a_person_without_an_account_and_once_per_recipient(gateway, make_person):
    """A message about a person (no account of their own, reached by phone) goes to both linked
    children; the same batch queued twice adds nothing; a family account linked to two parents
    gets one copy of each parent's message."""
    father, mother = make_person(age=80, name="李爷爷"), make_person(age=78, name="李奶奶")
    son = _family("son", "13900000005", father)
    FamilyContact.objects.create(
        person=mother,
        region_code=mother.region_code,
        user=son,
        name="son",
        relation="儿子",
        link_state="active",
    )
    daughter = _family("daughter2", "13900000006", father)
    specs = [
        PersonMessageSpec(
            key=f"payment:{p.pk}",
            kind=MessageKind.ALLOWANCE_GRANTED,
            region_code=COMMUNITY_A,
            title="补贴已发放",
            body="已发放",
            phone="13900000009",
            person_id=p.pk,
        )
        for p in (father, mother)
    ]
    assert services.messages_queue_bulk(specs) == 5  # 2 originals, son ×2, daughter ×1
    assert services.messages_queue_bulk(specs) == 0
    assert Message.objects.filter(recipient=son).count() == 2
    assert Message.objects.filter(recipient=daughter).count() == 1
    assert Delivery.objects.count() == 5
    outbox.deliver_due()
    assert set(gateway.state.record()["sends"].values()) == {1} and len(gateway.state.record()["sends"]) == 5


def test_the_allowance_producer_copies_to_linked_family(paid):  # noqa: F811 — the fixture
    daughter = _family("kept_daughter", "13900000007", paid["kept"])
    first = producers.allowance_messages(batch_id=paid["march"].pk)
    assert producers.allowance_messages(batch_id=paid["march"].pk) == 0
    copies = Message.objects.filter(recipient=daughter)
    assert copies.count() == 1 and first == Message.objects.count()
    assert copies.get().kind == MessageKind.ALLOWANCE_GRANTED and "高龄津贴" in copies.get().body
