"""The outbox: a message once per key, SMS through the gateway with back-off, exactly once across a
gateway that fails and recovers and across a worker that died mid-send (the fake gateway's record
counts what reached a phone)."""

import datetime
import socket

import pytest
from django.db import connection
from django.utils import timezone

from carecircle.core.errors import InvalidInput
from carecircle.portal import outbox, services
from carecircle.portal.fake_gateway import FakeGateway
from carecircle.portal.models import Delivery, Message
from carecircle.portal.types import Channel, DeliveryState, MessageKind, MessageSpec
from tests.conftest import COMMUNITY_A

pytestmark = pytest.mark.django_db

DEAD_OWNER = f"{socket.gethostname()}:4194303:1"  # this machine, a pid that cannot run (above pid_max)
OTHER_HOST = "another-machine:1234:99"  # a live worker elsewhere: only its lease's time tells


@pytest.fixture
def gateway(settings):
    with FakeGateway() as gw:
        settings.CARECIRCLE_SMS_GATEWAY_URL = gw.url
        yield gw


def send(key="allowance:2026-03:1", **kw):
    args = {
        "key": key,
        "kind": MessageKind.ALLOWANCE_GRANTED,
        "phone": "13800001111",
        "region_code": COMMUNITY_A,
        "title": "高龄津贴已发放",
        "body": "您3月的高龄津贴100元已发放。",
    } | kw
    return services.message_send(**args)


def make_due(*deliveries):
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_the_same_key_answers_the_first_message_and_queues_nothing_more(gateway, users):
    first = send(recipient=users["resident"])
    again = send(recipient=users["resident"], body="另一段文字")
    assert again.pk == first.pk and again.body == "您3月的高龄津贴100元已发放。"
    assert Message.objects.count() == 1 and Delivery.objects.count() == 1
    assert Message.objects.get().in_inbox is True
    outbox.deliver_due()
    outbox.deliver_due()
    assert gateway.state.record()["sends"] == {"allowance:2026-03:1": 1}
    d = Delivery.objects.get()
    assert d.state == DeliveryState.SENT and d.provider_id == "fake-1" and d.attempts == 1


def test_without_a_gateway_the_inbox_only(users):
    m = send(recipient=users["resident"])
    assert m.in_inbox and not Delivery.objects.exists()


def test_bad_input_names_the_field(users):
    with pytest.raises(InvalidInput) as e:
        send(phone=None)
    assert e.value.field == "recipient"
    with pytest.raises(InvalidInput) as e:
        send(region_code="3399")
    assert e.value.field == "region_code"
    with pytest.raises(InvalidInput) as e:
        send(key="")
    assert e.value.field == "key"


def test_a_one_time_code_is_kept_encrypted_until_handed_over_and_never_in_an_inbox(gateway, users):
    m = send(key="otp:1", kind=MessageKind.OTP_CODE, recipient=users["resident"], body="验证码 482913")
    assert m.body == "" and not m.in_inbox
    with connection.cursor() as cur:
        cur.execute("SELECT secret_body, phone FROM portal_message WHERE id = %s", [m.pk])
        secret, phone = cur.fetchone()
    assert secret.startswith("v1:") and "482913" not in secret and "13800001111" not in phone
    outbox.deliver_due()
    assert Message.objects.get(pk=m.pk).secret_body == ""
    assert gateway.state.record()["sends"] == {"otp:1": 1}


def test_an_expired_code_is_given_up_not_sent_late(gateway):
    m = send(key="otp:2", kind=MessageKind.OTP_CODE, body="验证码 111111")
    Message.objects.filter(pk=m.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    outbox.deliver_due()
    d = Delivery.objects.get()
    assert d.state == DeliveryState.DEAD and "过期" in d.last_error
    assert Message.objects.get(pk=m.pk).secret_body == ""
    assert gateway.state.record()["accepted"] == 0


def test_back_off_doubles_and_the_row_dies_after_the_last_attempt(gateway):
    gateway.state.control({"down": True})
    send()
    start = timezone.now()
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        stats = outbox.deliver_due()
        assert stats.claimed == 1
        d = Delivery.objects.get()
        assert d.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert d.state == DeliveryState.FAILED and "503" in d.last_error
            waits.append(round((d.next_attempt_at - start).total_seconds() / 30))
            assert outbox.deliver_due().claimed == 0  # not due before its back-off
            make_due(d)
            start = timezone.now()
    assert waits == [1, 2, 4, 8, 16, 32, 64]
    assert Delivery.objects.get().state == DeliveryState.DEAD
    assert outbox.backoff(30) == outbox.BACKOFF_CAP


def test_a_gateway_that_fails_and_recovers_sends_each_message_once(gateway):
    for n in range(5):
        send(key=f"k{n}", phone=f"1380000{n:04d}")
    gateway.state.control({"fail_requests": 1})
    assert outbox.deliver_due().failed == 5
    make_due(*Delivery.objects.all())
    stats = outbox.deliver_due()
    assert stats.sent == 5
    rec = gateway.state.record()
    assert rec["sends"] == {f"k{n}": 1 for n in range(5)} and rec["failed_requests"] == 1
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_number_the_gateway_refuses_is_dead_at_once(gateway):
    gateway.state.control({"reject_prefix": "170"})
    send(phone="17000000000")
    assert outbox.deliver_due().dead == 1
    assert Delivery.objects.get().attempts == 1


def _die_mid_send(owner: str, gw: FakeGateway) -> list[int]:
    """A worker claims, the gateway accepts its request, and it dies before writing the outcome."""
    ids = outbox.claim(owner=owner)
    rows = Delivery.objects.filter(id__in=ids).select_related("message")
    from carecircle.portal.channels import HttpSmsGateway, Outgoing

    HttpSmsGateway(gw.url).send([Outgoing(r.message.key, r.message.phone, r.message.body) for r in rows])
    return ids


def test_a_killed_worker_s_rows_are_taken_over_and_not_sent_twice(gateway):
    for n in range(3):
        send(key=f"k{n}", phone=f"1390000{n:04d}")
    ids = _die_mid_send(DEAD_OWNER, gateway)
    assert len(ids) == 3 and gateway.state.record()["accepted"] == 3
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENDING}
    # its process is gone from this machine: taken over at once, well before the lease runs out
    stats = outbox.deliver_due()
    assert stats.claimed == 3 and stats.sent == 3
    rec = gateway.state.record()
    assert rec["sends"] == {"k0": 1, "k1": 1, "k2": 1} and rec["duplicates"] == 3
    assert all(d.provider_id.startswith("fake-") for d in Delivery.objects.all())


def test_a_worker_elsewhere_keeps_its_rows_until_its_lease_runs_out(gateway):
    send()
    _die_mid_send(OTHER_HOST, gateway)
    assert outbox.deliver_due().claimed == 0  # may still be working: not taken over
    Delivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert outbox.deliver_due().sent == 1
    rec = gateway.state.record()
    assert rec["sends"] == {"allowance:2026-03:1": 1} and rec["duplicates"] == 1
    assert Delivery.objects.get().attempts == 2


def test_a_worker_that_lost_its_lease_cannot_overwrite_the_new_holder(gateway):
    send()
    ids = outbox.claim(owner=OTHER_HOST)
    Delivery.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    outbox.claim()  # taken over by this process
    stats = outbox.send_claimed(ids, owner=OTHER_HOST)  # the old holder wakes up: holds nothing
    assert stats.sent == 0 and gateway.state.record()["accepted"] == 0


def test_bulk_queue_skips_keys_already_queued_and_is_delivered(gateway, users):
    send(key="b1")
    specs = [
        MessageSpec(
            key=f"b{n}",
            kind=MessageKind.ALLOWANCE_GRANTED,
            region_code=COMMUNITY_A,
            title="补贴发放",
            body=f"第{n}条",
            phone=f"1370000{n:04d}",
            recipient_id=users["resident"].pk if n == 2 else None,
        )
        for n in range(1, 6)
    ]
    assert services.messages_queue_bulk(specs) == 4
    assert services.messages_queue_bulk(specs) == 0
    assert Message.objects.count() == 5 and Delivery.objects.count() == 5
    assert Message.objects.get(key="b2").in_inbox and Message.objects.get(key="b2").phone == "13700000002"
    send(key="after")  # the ORM's own ids continue after the bulk ones
    assert outbox.deliver_due().sent == 6
    assert sorted(gateway.state.record()["sends"]) == ["after", "b1", "b2", "b3", "b4", "b5"]


def test_inbox_only_when_asked(gateway, users):
    m = send(recipient=users["resident"], channels=(Channel.INBOX,))
    assert m.in_inbox and not Delivery.objects.exists()


def test_bulk_queue_keeps_tabs_newlines_and_backslashes_and_skips_a_key_twice_in_one_batch(gateway):
    """The bulk path writes text as it is given (PostgreSQL: COPY's text format escapes it), a key
    given twice in one batch is queued once, and each SMS message gets exactly one delivery row."""
    odd = "第一行\t制表符\n第二行 \\N 反斜杠\\ 和\r回车"
    spec = MessageSpec(
        key="odd:1",
        kind=MessageKind.ALLOWANCE_GRANTED,
        region_code=COMMUNITY_A,
        title="标题\t带制表符",
        body=odd,
        phone="13700000009",
    )
    assert services.messages_queue_bulk([spec, spec]) == 1
    m = Message.objects.get(key="odd:1")
    assert m.body == odd and m.title == "标题\t带制表符" and m.phone == "13700000009"
    assert list(Delivery.objects.values_list("message_id", "channel", "state")) == [
        (m.pk, Channel.SMS.value, DeliveryState.QUEUED.value)
    ]
