"""The demo city's messages (called by portal/demo.py after the accounts exist): the `elder`,
`family` and `parent` accounts find messages in their inbox (some read, some not), the allowances
of the month's paid batches are queued for the people the demo's accounts stand for, and the staff
list of failed deliveries shows what a gateway that never answered leaves behind."""

from __future__ import annotations

import datetime

from django.utils import timezone

from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.portal import producers, services
from carecircle.portal.models import Delivery, Message
from carecircle.portal.types import Channel, DeliveryState, MessageKind

# fmt: off
SAMPLES = {
    "elder": [
        (MessageKind.ALLOWANCE_GRANTED, "补贴已发放", "您本月的高龄津贴已发放到社保卡，请注意查收。"),
        (MessageKind.VISIT_REMINDER, "明天有上门服务", "明天上午9点有助洁服务，服务人员会提前打电话给您。"),
        (MessageKind.ORDER_ACCEPTED, "服务订单已接单", "您预约的助浴服务已有服务机构接单，服务人员会按时上门。"),
    ],
    "family": [
        (MessageKind.CAREGIVER_ON_WAY, "服务人员已出发", "为您父亲服务的护理员已出发，大约20分钟后到达。"),
        (MessageKind.ALARM_HANDLED, "紧急呼叫已处理", "您母亲的紧急呼叫已由社区网格员上门处理，老人平安。"),
    ],
    "parent": [
        (MessageKind.WAITING_OFFER, "托位轮候通知", "您申请的托育机构有空余托位了，请在7天内确认是否入托。"),
        (MessageKind.ASSESSMENT_APPOINTMENT, "儿童体检提醒", "孩子的下一次生长发育检查在下个月，请按时到社区卫生服务站。"),
    ],
}
# fmt: on


def generate(city: City) -> None:
    made = 0
    for username, samples in SAMPLES.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        region = user.grants.values_list("region_id", flat=True).first() or city.communities[0].code
        for n, (kind, title, body) in enumerate(samples):
            m = services.message_send(
                key=f"demo:{username}:{n}",
                kind=kind,
                recipient=user,
                region_code=region,
                title=title,
                body=body,
            )
            if n == len(samples) - 1:  # the oldest one already read
                Message.objects.filter(pk=m.pk).update(read_at=timezone.now())
            made += 1
    day = timezone.now()
    made += producers.allowance_messages_between(since=day - datetime.timedelta(days=40), until=day)
    made += _failures(city)
    city.say(f"  消息：{made} 条")


def _failures(city: City) -> int:
    """A few SMS deliveries given up after eight tries (the demo runs without a gateway)."""
    now = timezone.now()
    done = 0
    for n, community in enumerate(city.communities[:3]):
        m = services.message_send(
            key=f"demo:failed:{n}",
            kind=MessageKind.ALLOWANCE_STOPPED,
            phone=f"1390000{n:04d}",
            region_code=community.code,
            title="补贴停发通知",
            body="您的高龄津贴自本月起停发。如有疑问，可以向所在社区了解原因或提出申诉。",
            channels=(Channel.INBOX,),
        )
        Delivery.objects.get_or_create(
            message=m,
            channel=Channel.SMS,
            defaults={
                "region_code": community.code,
                "state": DeliveryState.DEAD,
                "attempts": 8,
                "next_attempt_at": now,
                "updated_at": now,
                "last_error": "gateway unreachable: [Errno 111] Connection refused（演示数据）",
            },
        )
        done += 1
    return done
