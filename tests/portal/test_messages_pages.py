"""The message pages: a user's inbox and read state (nobody else's), their choice of what they
receive (a sign-in code and their alarm's outcome cannot be switched off), and the staff list of
failed deliveries, scoped by region, with count, filters and export."""

import pytest
from django.urls import reverse
from django.utils import timezone

from carecircle.core.models import AuditEvent
from carecircle.portal import services
from carecircle.portal.models import Delivery, Message, MessagePreference
from carecircle.portal.types import DeliveryState, MessageKind
from tests.conftest import COMMUNITY_A, COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db


def send(user=None, key="k1", kind=MessageKind.ORDER_ACCEPTED, **kw):
    args = {
        "key": key,
        "kind": kind,
        "recipient": user,
        "region_code": COMMUNITY_A,
        "title": "您预约的助浴服务已接单",
        "body": "服务机构已接单，护理员将按时上门。",
    } | kw
    return services.message_send(**args)


def test_the_inbox_shows_one_s_own_messages_and_marks_them_read(users, client_for):
    me, other = users["resident"], make_user("other", "resident", COMMUNITY_A)
    mine = send(me)
    send(other, key="k2", title="别人的消息")
    c = client_for(me)
    page = c.get(reverse("portal:messages"))
    text = page.content.decode()
    assert page.status_code == 200 and "您预约的助浴服务已接单" in text and "别人的消息" not in text
    assert "未读" in text and "有 1 条未读消息" in text
    assert c.post(reverse("portal:message_read", args=[mine.pk])).status_code == 302
    assert Message.objects.get(pk=mine.pk).read_at is not None
    assert "没有未读消息" in c.get(reverse("portal:messages")).content.decode()


def test_nobody_marks_another_s_message_read(users, client_for):
    theirs = send(make_user("other", "resident", COMMUNITY_A))
    response = client_for(users["resident"]).post(reverse("portal:message_read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Message.objects.get(pk=theirs.pk).read_at is None


def test_read_all(users, client_for):
    for n in range(3):
        send(users["resident"], key=f"k{n}")
    c = client_for(users["resident"])
    assert c.post(reverse("portal:messages_read_all")).status_code == 302
    assert not Message.objects.filter(read_at__isnull=True).exists()


def test_a_kind_switched_off_is_neither_in_the_inbox_nor_sent_by_sms(users, client_for, settings):
    settings.CARECIRCLE_SMS_GATEWAY_URL = "http://127.0.0.1:9"  # configured; nothing is sent in this test
    c = client_for(users["resident"])
    page = c.get(reverse("portal:message_settings"))
    assert page.status_code == 200 and "登录验证码" in page.content.decode()
    # every box unticked: order_accepted off, allowance SMS off; the locked kinds stay on
    form = {"wanted_allowance_granted": "on"}
    assert c.post(reverse("portal:message_settings"), form).status_code == 302
    assert MessagePreference.objects.get(user=users["resident"], kind="order_accepted").wanted is False
    assert MessagePreference.objects.get(user=users["resident"], kind="otp_code").wanted is True
    off = send(users["resident"], key="order", phone="13800001111")
    assert not off.in_inbox and not Delivery.objects.filter(message=off).exists()
    inbox_only = send(users["resident"], key="allow", kind=MessageKind.ALLOWANCE_GRANTED, phone="13800001111")
    assert inbox_only.in_inbox and not Delivery.objects.filter(message=inbox_only).exists()
    alarm = send(users["resident"], key="alarm", kind=MessageKind.ALARM_HANDLED, phone="13800001111")
    assert alarm.in_inbox and Delivery.objects.filter(message=alarm).exists()
    otp = send(None, key="otp", kind=MessageKind.OTP_CODE, phone="13800001111", body="验证码 123456")
    assert Delivery.objects.filter(message=otp).exists()


def test_the_service_keeps_locked_kinds_on(users):
    services.preferences_set(actor=users["resident"], choices={MessageKind.ALARM_HANDLED: (False, False)})
    assert MessagePreference.objects.get(kind="alarm_handled").wanted is True


def _failure(region, key, state=DeliveryState.DEAD):
    m = Message.objects.create(
        key=key,
        kind=MessageKind.ALLOWANCE_STOPPED,
        phone="13912345678",
        region_code=region,
        title=f"补贴停发通知{key}",
        created_at=timezone.now(),
    )
    return Delivery.objects.create(
        message=m,
        channel="sms",
        region_code=region,
        state=state,
        attempts=8,
        next_attempt_at=timezone.now(),
        updated_at=timezone.now(),
        last_error="gateway answered 503",
    )


def test_staff_see_the_failures_of_their_region_only(users, client_for):
    _failure(COMMUNITY_A, "a1")
    _failure(COMMUNITY_A, "a2", DeliveryState.FAILED)
    _failure(COMMUNITY_B, "b1")
    Delivery.objects.create(
        message=Message.objects.create(
            key="ok",
            kind="notice",
            phone="1",
            region_code=COMMUNITY_A,
            title="已发送",
            created_at=timezone.now(),
        ),
        channel="sms",
        region_code=COMMUNITY_A,
        state=DeliveryState.SENT,
        next_attempt_at=timezone.now(),
        updated_at=timezone.now(),
    )
    url = reverse("portal:delivery_failures")
    text = client_for(users["street"]).get(url).content.decode()
    assert "补贴停发通知a1" in text and "补贴停发通知a2" in text and "补贴停发通知b1" not in text
    assert "已发送" not in text.split("<table")[1] and "共 2 条" in text
    assert "139****5678" in text and "13912345678" not in text  # the number masked
    assert "桂花社区" in text  # the region by name
    b = client_for(users["street_b"]).get(url).content.decode()
    assert "补贴停发通知b1" in b and "补贴停发通知a1" not in b
    filtered = client_for(users["street"]).get(url, {"state": "failed"}).content.decode()
    assert "补贴停发通知a2" in filtered and "补贴停发通知a1" not in filtered
    assert client_for(users["street"]).get(url, {"state": "sent"}).status_code == 422
    assert client_for(users["resident"]).get(url).status_code == 403


def test_the_district_exports_the_failures_and_the_export_is_audited(users, client_for):
    _failure(COMMUNITY_A, "a1")
    c = client_for(users["district"])
    response = c.post(reverse("portal:delivery_failures"), {"purpose": "核对未送达的通知"})
    assert response.status_code == 200
    assert "spreadsheet" in response["Content-Type"]
    assert AuditEvent.objects.filter(action="list.export").count() == 1
    # a street worker may read the list but not export it
    assert (
        client_for(users["street"]).post(reverse("portal:delivery_failures"), {"purpose": "x"}).status_code
        == 403
    )
