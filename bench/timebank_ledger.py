"""The time bank's ledger checked (issue 21, Speed: "the time-bank ledger for 100,000 volunteers and
a year of transactions balanced and checked under 10 s").

    python bench/timebank_ledger.py [--scale S] [--database-url postgres://…]

Scale 1 is the issue's figure: 100,000 volunteers, each with a year of transactions (12 services
earned on average, a gift to a relative for one in five, a donation to the district pool for one
in ten, and the relatives' redemptions held and spent), about 1.5 million entries and 3 million
lines; the default scale is small (0.01: 1,000 volunteers). Built with bulk inserts in a throw-away
database (SQLite by default; a PostgreSQL URL is flushed first).

Timed: the SQL check (timebank.selectors.ledger_check: the entries whose lines do not sum to zero,
the holders' hours against the contra accounts; plus the holder accounts below zero, one grouped
query) against the baseline in the same run: every line read into Python and summed per entry and
per account. Both must give the same figures. Prints one JSON line at the end.
"""

import argparse
import datetime
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_ready  # noqa: E402

DISTRICTS = [f"3399{d:02d}000000" for d in range(1, 13)]
BATCH = 5000


def build(scale: float) -> dict[str, int]:
    from django.utils import timezone

    from carecircle.core.models import User
    from carecircle.timebank.models import Account, AccountKind, Entry, Line, Volunteer

    rng = random.Random(21)
    n = max(100, round(100_000 * scale))
    today = timezone.localdate()
    start = today - datetime.timedelta(days=364)
    users = User.objects.bulk_create(
        [User(username=f"v{i}", password="!", display_name=f"志愿者{i}") for i in range(n)], batch_size=BATCH
    )
    volunteers = Volunteer.objects.bulk_create(
        [
            Volunteer(
                user=u,
                name=f"志愿者{i}",
                birth_date=datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                phone="",
                phone_masked="",
                region_code=DISTRICTS[i % len(DISTRICTS)][:6] + f"{1 + i % 5:03d}{1 + i % 9:03d}",
                skills="companionship",
            )
            for i, u in enumerate(users)
        ],
        batch_size=BATCH,
    )
    district = {
        (k, d): Account.objects.create(kind=k, region_code=d)
        for d in DISTRICTS
        for k in (AccountKind.POOL, AccountKind.ISSUED, AccountKind.ESCROW)
    }
    accounts = Account.objects.bulk_create(
        [
            Account(kind=AccountKind.VOLUNTEER, volunteer=v, region_code=v.region_code[:6] + "000000")
            for v in volunteers
        ],
        batch_size=BATCH,
    )
    # one in five volunteers gives hours to an older relative (a person account), who redeems half
    entries: list[Entry] = []
    lines: list[tuple[int, int, Decimal, str, datetime.date]] = []  # entry index, account, hours
    relatives: list[Account] = []

    def add(kind: str, day: datetime.date, legs: list[tuple[Account, Decimal]]) -> None:
        entries.append(Entry(key=f"{kind}:{len(entries)}", kind=kind, day=day))
        for acc, h in legs:
            lines.append((len(entries) - 1, acc, h, acc.region_code, day))

    for i, acc in enumerate(accounts):
        d = acc.region_code
        earned = Decimal("0")
        for _k in range(rng.randint(6, 18)):
            h = Decimal(rng.choice(["0.5", "1", "1.5", "2", "3"]))
            earned += h
            add(
                "earn",
                start + datetime.timedelta(days=rng.randrange(365)),
                [(acc, h), (district[(AccountKind.ISSUED, d)], -h)],
            )
        if i % 5 == 0:
            gift = (earned / 2).quantize(Decimal("0.5"))
            relative = Account(kind=AccountKind.PERSON, region_code=d)
            relatives.append(relative)
            add("gift", today, [(acc, -gift), (relative, gift)])
            spent = (gift / 2).quantize(Decimal("0.5"))
            if spent > 0:
                add("hold", today, [(relative, -spent), (district[(AccountKind.ESCROW, d)], spent)])
                add(
                    "spend",
                    today,
                    [(district[(AccountKind.ESCROW, d)], -spent), (district[(AccountKind.ISSUED, d)], spent)],
                )
        if i % 10 == 1:
            add("donate", today, [(acc, -Decimal("1")), (district[(AccountKind.POOL, d)], Decimal("1"))])
    _insert_relatives(relatives)
    made = Entry.objects.bulk_create(entries, batch_size=BATCH)
    Line.objects.bulk_create(
        (
            Line(entry_id=made[e].pk, account_id=acc.pk, hours=h, region_code=r, day=day)
            for e, acc, h, r, day in lines
        ),
        batch_size=BATCH,
    )
    return {"volunteers": n, "entries": len(entries), "lines": len(lines), "relatives": len(relatives)}


def _insert_relatives(relatives) -> None:
    """The relatives' person accounts, each with a Person row made in bulk (the holder constraint
    asks for one; the ledger check reads accounts and lines only, so the identities are blank)."""
    from carecircle.registry.models import Person
    from carecircle.timebank.models import Account

    people = Person.objects.bulk_create(
        [
            Person(
                name=f"亲属{i}",
                sex="F",
                birth_date=datetime.date(1940, 1, 1),
                id_number="",
                id_hash=f"bench-{i}",
                id_masked="",
                region_code=r.region_code,
            )
            for i, r in enumerate(relatives)
        ],
        batch_size=BATCH,
    )
    for r, p in zip(relatives, people, strict=True):
        r.person = p
    made = Account.objects.bulk_create(relatives, batch_size=BATCH)
    for r, m in zip(relatives, made, strict=True):
        r.pk = m.pk


def sql_check() -> dict[str, object]:
    from carecircle.timebank.selectors import ledger_check

    check = ledger_check()
    return {
        "ok": check.ok,
        "unbalanced": check.unbalanced,
        "outstanding": str(check.outstanding),
        "negative": check.negative,
        "lines": check.lines,
    }


def python_check() -> dict[str, object]:
    from carecircle.timebank.models import HOLDER_KINDS, Account, Line

    holders = set(Account.objects.filter(kind__in=HOLDER_KINDS).values_list("pk", flat=True))
    per_entry: dict[int, Decimal] = {}
    per_account: dict[int, Decimal] = {}
    count = 0
    for entry, account, hours in Line.objects.values_list("entry_id", "account_id", "hours").iterator(
        chunk_size=20000
    ):
        per_entry[entry] = per_entry.get(entry, Decimal("0")) + hours
        per_account[account] = per_account.get(account, Decimal("0")) + hours
        count += 1
    outstanding = sum((v for a, v in per_account.items() if a in holders), Decimal("0"))
    contra = sum((v for a, v in per_account.items() if a not in holders), Decimal("0"))
    unbalanced = sum(1 for v in per_entry.values() if v != 0)
    negatives = sum(1 for a, v in per_account.items() if a in holders and v < 0)
    return {
        "ok": unbalanced == 0 and outstanding + contra == 0 and negatives == 0,
        "unbalanced": unbalanced,
        "outstanding": str(outstanding.quantize(Decimal("0.01"))),
        "negative": negatives,
        "lines": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_ready(args.database_url)
    from django.db import connection

    t0 = time.perf_counter()
    made = build(args.scale)
    built = time.perf_counter() - t0
    print(f"built {made} in {built:.1f} s", flush=True)
    t0 = time.perf_counter()
    sql = sql_check()
    sql_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    py = python_check()
    py_s = time.perf_counter() - t0
    print(f"SQL check {sql_s:.2f} s: {sql}", flush=True)
    print(f"Python per-account baseline {py_s:.2f} s: {py}", flush=True)
    same = sql == py
    print(
        json.dumps(
            {
                "bench": "timebank_ledger",
                "scale": args.scale,
                "database": connection.vendor,
                **made,
                "build_s": round(built, 1),
                "sql_check_s": round(sql_s, 3),
                "python_check_s": round(py_s, 3),
                "ratio": round(py_s / sql_s, 2) if sql_s else None,
                "balanced": bool(sql["ok"]),
                "same_answer": same,
                "under_10_s": sql_s < 10,
            }
        )
    )
    if not same or not sql["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
