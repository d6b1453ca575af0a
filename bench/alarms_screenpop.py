"""Caller screen-pop (来电弹屏, issue 18 item 5) on the synthetic city's registry: how fast a caller's
number finds the persons and contacts it belongs to (the phone's blind index), how fast the telephone
system's events are taken in (ringing, answered, ended per call), that replaying every event and
sending them out of order stores nothing twice, and how fast the registry migration fills the
index of existing rows.

    python bench/alarms_screenpop.py [--scale 0.01] [--calls 500] [--database-url postgres://…]

--scale 1 is the full city (2.6 million older people). Prints one line of JSON."""

import argparse
import datetime
import importlib
import io
import json
import random
import statistics
import time

from _setup import django_ready


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))] if s else None


def ms(seconds):
    return round(seconds * 1000, 3) if seconds is not None else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_ready(args.database_url)

    from django.db import connection
    from django.utils import timezone

    from carecircle.alarms import services, telephony
    from carecircle.alarms.models import Call, CallEvent
    from carecircle.core import demo
    from carecircle.core.management.commands.generate import CITY_CODE, Command
    from carecircle.core.models import RoleGrant, User
    from carecircle.core.roles import Role
    from carecircle.registry import selectors as registry_selectors
    from carecircle.registry.models import FamilyContact, Person

    steps = demo.steps
    demo.steps = lambda: [m for m in steps() if m.__name__ == "carecircle.registry.demo"]
    Command(stdout=io.StringIO()).handle(scale=args.scale, seed=2026, fresh=False, today=None)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    people = Person.objects.count()
    contacts = FamilyContact.objects.count()
    unindexed = Person.objects.exclude(phone="").filter(phone_index="").count()  # the demo's bulk rows

    operator = User.objects.create_user(username="bench-operator", password=None)
    RoleGrant.objects.create(user=operator, role=Role.OPERATOR, region_id=CITY_CODE)
    admin = User.objects.create_user(username="bench-admin", password=None)
    RoleGrant.objects.create(user=admin, role=Role.CITY_ADMIN, region_id=CITY_CODE)
    rng = random.Random(2026)
    known = [p.phone for p in Person.objects.exclude(phone_index="").order_by("?")[: args.calls] if p.phone]
    numbers = [
        rng.choice(known) if rng.random() < 0.8 else f"+86 13{rng.randrange(10**9):09d}"
        for _ in range(args.calls)
    ]

    lookups, found = [], 0
    for number in numbers:
        started = time.perf_counter()
        matches = registry_selectors.people_by_phone(phone=number, user=operator, perm="alarms.operate")
        lookups.append(time.perf_counter() - started)
        found += bool(matches)

    trunk, _token = services.trunk_register(actor=admin, name="bench-trunk", region_code=CITY_CODE)
    now = timezone.now()
    events = []
    for i, number in enumerate(numbers):
        start = now - datetime.timedelta(seconds=3 * (len(numbers) - i))
        events += [
            {"event_id": f"{i}-r", "kind": "ringing", "call_id": f"c{i}", "caller": number, "at": start},
            {
                "event_id": f"{i}-a",
                "kind": "answered",
                "call_id": f"c{i}",
                "caller": number,
                "at": start + datetime.timedelta(seconds=1),
                "operator": operator.username,
            },
            {
                "event_id": f"{i}-e",
                "kind": "ended",
                "call_id": f"c{i}",
                "at": start + datetime.timedelta(seconds=2),
            },
        ]
    # A tenth of the calls arrive out of order (the end first, then the answer, then the ringing).
    for i in range(0, len(numbers), 10):
        events[3 * i : 3 * i + 3] = reversed(events[3 * i : 3 * i + 3])
    intake = []
    for e in events:
        started = time.perf_counter()
        services.call_event_receive(trunk=trunk, **e)
        intake.append(time.perf_counter() - started)
    replay = []
    for e in events:  # every event again: acknowledged, nothing stored twice
        started = time.perf_counter()
        outcome = services.call_event_receive(trunk=trunk, **e)
        replay.append(time.perf_counter() - started)
        assert not outcome.created
    stored_events, stored_calls = CallEvent.objects.count(), Call.objects.count()
    ended = Call.objects.filter(state="ended").count()

    card = []
    for call in Call.objects.all()[:200]:
        started = time.perf_counter()
        telephony.caller_card(user=operator, call=call)
        card.append(time.perf_counter() - started)

    migration = importlib.import_module("carecircle.registry.migrations.0009_phone_index")
    Person.objects.update(phone_index="")
    started = time.perf_counter()
    filled = migration.fill_phone_indexes(Person)
    fill_seconds = time.perf_counter() - started

    print(
        json.dumps(
            {
                "benchmark": "alarms_screenpop",
                "database": connection.vendor,
                "scale": args.scale,
                "people": people,
                "contacts": contacts,
                "people_without_index_after_generate": unindexed,
                "lookups": len(lookups),
                "lookups_matched": found,
                "lookup_p50_ms": ms(statistics.median(lookups)),
                "lookup_p99_ms": ms(percentile(lookups, 99)),
                "caller_card_p99_ms": ms(percentile(card, 99)),
                "events": len(events),
                "events_stored": stored_events,
                "calls_stored": stored_calls,
                "calls_ended_answered": ended,
                "duplicated": stored_events - len(events),
                "intake_p50_ms": ms(statistics.median(intake)),
                "intake_p99_ms": ms(percentile(intake, 99)),
                "replay_p99_ms": ms(percentile(replay, 99)),
                "index_fill_rows": filled,
                "index_fill_rows_per_s": round(filled / fill_seconds) if fill_seconds else None,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
