"""The synthetic city's proactive wellbeing calls (主动关怀): the default rules (loaded by migration
0005), the past week's calls with their outcomes (mostly on time, some late, a few needing a
service), a few unanswered to the end and so handed to the community as visits, and today's
worklists for the operators (a couple already called). Called by alarms/demo.py."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from carecircle.alarms import services
from carecircle.alarms.models import (
    OutreachAttempt,
    OutreachCall,
    OutreachResult,
    OutreachState,
)
from carecircle.alarms.services.outreach import _service_items
from carecircle.core.demo import City

HISTORY_DAYS = 7
VISITS = 4  # calls nobody answered, through the service: each ends as a community visit
SERVICE_ITEMS = ("MEAL-DELIVERY", "CLEAN-HOME", "BATH-HOME")  # homecare's catalogue codes, if present
BATCH = 1000


def generate(city: City) -> None:
    rng = city.rng_for("alarms.outreach")
    today = city.today
    for back in range(HISTORY_DAYS, 0, -1):
        services.outreach_generate(actor=None, day=today - datetime.timedelta(days=back))
    _past_outcomes(rng, today)
    _unanswered(rng, today)
    made = services.outreach_generate(actor=None, day=today)
    _called_today(rng, today)
    open_today = OutreachCall.objects.filter(scheduled_for=today, state=OutreachState.PENDING).count()
    city.say(f"  主动关怀电话：过去{HISTORY_DAYS}天已完成，今日 {made.created} 通（待拨 {open_today} 通）")


def _items() -> list[str]:
    codes = list(_service_items())
    return [c for c in SERVICE_ITEMS if c in codes] or codes[:3]


@transaction.atomic
def _past_outcomes(rng: random.Random, today: datetime.date) -> None:
    """Every past call answered once, set-based (a week of a city's calls through the service one by
    one would take minutes): 85 % first tried before the due time, 8 % needing a service."""
    items = _items()
    calls = list(OutreachCall.objects.filter(scheduled_for__lt=today, attempts=0).select_related("assignee"))
    attempts = []
    for call in calls:
        if call.assignee is None:
            continue
        on_time = rng.random() < 0.85
        shift = -rng.randint(10, 7 * 60) if on_time else rng.randint(20, 18 * 60)
        at = call.due_at + datetime.timedelta(minutes=shift)
        needs = items and rng.random() < 0.08
        result = OutreachResult.SERVICE if needs else OutreachResult.WELL
        call.state = OutreachState.SERVICE if needs else OutreachState.WELL
        call.service_item = rng.choice(items) if needs else ""
        call.note = "想要上门服务" if needs else ""
        call.attempts, call.first_attempt_at, call.done_at = 1, at, at
        attempts.append(
            OutreachAttempt(
                call=call,
                region_code=call.region_code,
                number=1,
                at=at,
                result=result,
                operator=call.assignee,
                operator_name=call.assignee.display_name or call.assignee.username,
                note=call.note,
                idempotency_key=f"demo-{call.pk}-1",
            )
        )
    done = [a.call for a in attempts]
    OutreachCall.objects.bulk_update(
        done, ["state", "service_item", "note", "attempts", "first_attempt_at", "done_at"], batch_size=BATCH
    )
    OutreachAttempt.objects.bulk_create(attempts, batch_size=BATCH, ignore_conflicts=True)


def _unanswered(rng: random.Random, today: datetime.date) -> None:
    """A few of yesterday's calls nobody answered, through the service: retried, then a visit."""
    yesterday = today - datetime.timedelta(days=1)
    calls = list(
        OutreachCall.objects.filter(scheduled_for=yesterday, state=OutreachState.WELL, assignee__isnull=False)
        .select_related("rule", "assignee")
        .order_by("id")[: VISITS * 3]
    )
    for call in rng.sample(calls, min(VISITS, len(calls))):
        OutreachAttempt.objects.filter(call=call).delete()
        OutreachCall.objects.filter(pk=call.pk).update(
            state=OutreachState.PENDING, attempts=0, first_attempt_at=None, done_at=None, note=""
        )
        at = call.due_at - datetime.timedelta(hours=6)
        for n in range(call.rule.max_attempts):
            services.outreach_record(
                actor=call.assignee,
                call_id=call.pk,
                result=OutreachResult.NO_ANSWER,
                idempotency_key=f"demo-{call.pk}-na{n}",
                note="无人接听" if n else "响铃无人接",
                now=at + datetime.timedelta(minutes=call.rule.retry_minutes * n),
            )


def _called_today(rng: random.Random, today: datetime.date) -> None:
    """A couple of today's calls already made, so the worklist shows both kinds."""
    now = timezone.now()
    calls = list(
        OutreachCall.objects.filter(scheduled_for=today, assignee__isnull=False).select_related("assignee")[
            :20
        ]
    )
    for call in rng.sample(calls, min(3, len(calls))):
        services.outreach_record(
            actor=call.assignee,
            call_id=call.pk,
            result=OutreachResult.WELL,
            idempotency_key=f"demo-{call.pk}-today",
            note="老人说一切都好",
            now=min(now, call.due_at),
        )
