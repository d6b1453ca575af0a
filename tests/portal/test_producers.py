"""Producers: a paid payroll batch tells each person their allowance was paid, asked back or
stopped; an accepted order tells the person. Each message once, however often the sweep runs."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.portal import producers
from carecircle.portal.models import Delivery, Message
from carecircle.portal.types import MessageKind
from tests.conftest import COMMUNITY_A, make_user

pytestmark = pytest.mark.django_db
DISTRICT = "339901000000"


@pytest.fixture
def paid(users, make_person, settings):
    from carecircle.benefits.models import Batch, Fund, Payment, Programme

    settings.CARECIRCLE_SMS_GATEWAY_URL = "http://127.0.0.1:9"  # configured: SMS rows are queued
    fund = Fund.objects.create(code="F_GL", name="高龄津贴资金", region_code=DISTRICT)
    programme = Programme.objects.create(
        code="GL",
        name="高龄津贴",
        fund=fund,
        region_code=DISTRICT,
        target_rule="true",
        payment_method="cash",
        valid_from=datetime.date(2020, 1, 1),
    )
    kept, stopped, owing = make_person(age=85), make_person(age=86), make_person(age=87, phone="")
    kept.user = make_user("kept", "resident", COMMUNITY_A)
    kept.save(update_fields=["user"])
    now = timezone.now()

    def batch(month):
        return Batch.objects.create(
            programme=programme,
            month=month,
            region_code=DISTRICT,
            state=Batch.State.PAID,
            paid_at=now,
            prepared_by=users["street"],
        )

    february, march = batch("2026-02"), batch("2026-03")
    for person in (kept, stopped):
        Payment.objects.create(
            batch=february, programme=programme, person=person, period="2026-02", kind="regular",
            amount=Decimal("100"), region_code=person.region_code,
        )  # fmt: skip
    Payment.objects.create(
        batch=march, programme=programme, person=kept, period="2026-03", kind="regular",
        amount=Decimal("100"), region_code=kept.region_code,
    )  # fmt: skip
    Payment.objects.create(
        batch=march, programme=programme, person=owing, period="2026-02", kind="recovery",
        amount=Decimal("-50"), region_code=owing.region_code,
    )  # fmt: skip
    return {"march": march, "kept": kept, "stopped": stopped, "owing": owing, "now": now}


def test_a_paid_batch_tells_each_person_once(paid):
    assert producers.allowance_messages(batch_id=paid["march"].pk) == 3
    assert producers.allowance_messages(batch_id=paid["march"].pk) == 0  # a second run: nothing new
    by_kind = {m.kind: m for m in Message.objects.all()}
    granted = by_kind[MessageKind.ALLOWANCE_GRANTED]
    assert granted.recipient == paid["kept"].user and granted.in_inbox
    assert "2026年3月" in granted.body and "高龄津贴100.00元已发放" in granted.body
    assert granted.phone == "13800001234"  # the person's number, copied encrypted
    stopped = by_kind[MessageKind.ALLOWANCE_STOPPED]
    assert stopped.recipient is None and not stopped.in_inbox and "停发" in stopped.body
    assert by_kind[MessageKind.ALLOWANCE_RECOVERED].body.count("50.00元") == 1
    # SMS for the two with a phone number; the third has none
    assert Delivery.objects.count() == 2


def test_the_hourly_sweep_finds_batches_paid_in_its_window(paid):
    now = paid["now"]
    hour = datetime.timedelta(hours=1)
    assert producers.allowance_messages_between(since=now + hour, until=now + 2 * hour) == 0
    assert (
        producers.allowance_messages_between(since=now - hour, until=now + hour) == 3 + 2
    )  # and february's two lines
    assert producers.allowance_messages_between(since=now - hour, until=now + hour) == 0


def test_an_accepted_order_tells_the_person_once(users, make_person):
    from carecircle.homecare.models import DispatchEvent, Order, Provider, ServiceItem

    person = make_person()
    person.user = users["resident"]
    person.save(update_fields=["user"])
    item = ServiceItem.objects.order_by("pk").first()  # the catalogue's reference data
    provider = Provider.objects.create(name="安康居家服务中心", region_code=DISTRICT)
    start = timezone.now() + datetime.timedelta(days=1)
    order = Order.objects.create(
        region_code=person.region_code, person=person, item=item, provider=provider, window_start=start,
        window_end=start + datetime.timedelta(hours=1), address="桂花苑", address_masked="桂花苑****",
        channel="phone", price=Decimal("40.00"), status="accepted", idempotency_key="t-1",
    )  # fmt: skip
    DispatchEvent.objects.create(order=order, region_code=order.region_code, kind="accept")
    now = timezone.now()
    window = {"since": now - datetime.timedelta(minutes=5), "until": now + datetime.timedelta(minutes=5)}
    assert producers.order_accepted_messages(**window) == 1
    assert producers.order_accepted_messages(**window) == 0
    m = Message.objects.get()
    assert m.kind == MessageKind.ORDER_ACCEPTED and m.recipient == users["resident"] and m.in_inbox
    assert "安康居家服务中心已接下您" in m.body and item.name in m.body
