"""The synthetic city's telephone system (来电弹屏, issue 18 item 5): a city-wide trunk with the first
operator at extension 8001, a week of calls (answered, a few missed, some from numbers nobody has
registered), and one call the operator is on now, so the console pops a caller's card at sign-in.
The trunk's token is printed, so that a user can send events of their own (docs: alarms/api_telephony.py)."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from carecircle.alarms.models import Call, Extension, Trunk
from carecircle.alarms.services import call_event_receive, token_hash
from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.core.scope import prefixes
from carecircle.registry.models import Person

CALLS_PER_DAY = 4
DAYS = 7
MISSED_SHARE = 0.1
UNKNOWN_SHARE = 0.25  # callers whose number is nobody's in the registry


def generate(city: City) -> None:
    operator = User.objects.filter(grants__role="operator").order_by("id").first()
    if operator is None:
        city.say("  没有坐席账号，跳过来电演示")
        return
    rng = city.rng_for("alarms.telephony")
    mine = prefixes(operator, "alarms.operate")
    phones = [
        p.phone
        for p in Person.objects.exclude(phone_index="")
        .filter(region_code__startswith=mine[0])
        .order_by("id")[:200]
        if p.phone
    ]
    if not phones:
        city.say("  没有登记电话的人员，跳过来电演示")
        return
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        trunk = Trunk.objects.create(
            name="演示呼叫中心交换机", region_code=city.city.code, token_hash=token_hash(token)
        )
        Extension.objects.create(trunk=trunk, number="8001", user=operator)
        now = timezone.now()
        n = 0
        for day in range(DAYS, 0, -1):
            for _c in range(CALLS_PER_DAY):
                n += 1
                start = now - datetime.timedelta(days=day, seconds=rng.randrange(8 * 3600, 20 * 3600))
                unknown = rng.random() < UNKNOWN_SHARE
                caller = f"13{rng.randrange(10**9):09d}" if unknown else rng.choice(phones)
                _call(trunk, f"demo-{n}", caller, start, rng.random() >= MISSED_SHARE, end=True)
        Call.objects.filter(trunk=trunk).update(dismissed_at=now)  # the week's calls are handled
        _call(trunk, "demo-now", rng.choice(phones), now - datetime.timedelta(seconds=40), True, end=False)
    city.facts["telephony_trunk_token"] = token
    city.say(f"  来电 {n + 1} 通（坐席 {operator.username} 分机 8001 正在接听一通，登录接警台可见来电弹屏）")
    city.say(f"  电话系统中继令牌（POST /api/v1/telephony/events）：{token}")


def _call(
    trunk: Trunk, ref: str, caller: str, start: datetime.datetime, answered: bool, *, end: bool
) -> None:
    def event(kind: str, at: datetime.datetime, **extra: str) -> None:
        call_event_receive(
            trunk=trunk,
            event_id=f"{ref}-{kind}",
            kind=kind,
            call_id=ref,
            caller=caller,
            at=at,
            now=at,
            **extra,
        )

    event("ringing", start)
    if answered:
        event("answered", start + datetime.timedelta(seconds=12), extension="8001")
    if end:
        event("ended", start + datetime.timedelta(seconds=180 if answered else 45))
