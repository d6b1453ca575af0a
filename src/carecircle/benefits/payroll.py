"""The monthly payroll, set-based: one INSERT … SELECT per programme and period writes every
payment line for the whole population at once (the CEL rule compiled to SQL), never row by row.

Exactly once: the lines already in prepared/approved/paid batches are "committed"; a run writes
only the difference between what is due now and what is committed (the first time: the regular
payment; later: arrears or recoveries). A partial unique index allows one regular line per
person, programme and period, and one line per batch; runs of a programme are serialised by a
row lock on the programme. Everything of one run happens in one transaction.
"""

import contextlib
import datetime
import json
import os
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, DecimalField, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from carecircle.benefits.engine import Compiled, add_months, granted_appeals, month_start, period_key
from carecircle.benefits.models import Appeal, Batch, Payment, PaymentMethod, Period, Programme
from carecircle.core import regions
from carecircle.registry.models import Person

ZERO = Decimal("0.00")
# Per sort/hash node of the payroll statements, for the run's transaction only (SET LOCAL).
PAYROLL_WORK_MEM = "64MB"
SQLITE_PAYROLL_CACHE_KIB = 256 * 1024


def paid_by_payroll(programme: Programme) -> bool:
    """Whether the payroll pays the programme: cash to the person and premiums in kind, yes; a
    voucher programme, no. A voucher's money goes to the provider where it is used, and is charged
    to the fund then, once (childcare's voucher redemption and homecare's month-end statements
    post it through `ledger_spend`); a payroll line would commit it a second time for everyone
    entitled, used or not (Hechuan 三(二) 托育服务体验券; Jiaxing 二(八)23 补需方)."""
    return programme.payment_method != PaymentMethod.VOUCHER


def insert_lines(
    *,
    batch: Batch,
    programme: Programme,
    day: datetime.date,
    region_code: str,
    person_ids: list[int] | None = None,
) -> int:
    """Write the differences for one period into `batch`; returns the number of lines written.

    Three statements, each person in exactly one: those the rule selects (an index range when the
    rule bounds the age), those paid before whom it no longer selects (recoveries, driven from the
    payments), and those with a granted appeal whom it does not select."""
    parts = ["target"]
    if committed_lines(programme, period_key(programme, day)).exists():
        parts.append("prior")  # nothing committed yet (a month's first run): no recoveries to look for
    appeals = granted_appeals(programme, day).exists()
    if appeals:
        parts.append("appealed")
    written = 0
    with connection.cursor() as cursor, _sqlite_cache(cursor):
        if connection.vendor == "postgresql":
            # JIT-compiling these wide CASE expressions costs more than the query itself saves.
            cursor.execute("SET LOCAL jit = off")
            # The default 4 MB makes the whole-population scans spill: lossy bitmap heap scans
            # (rechecking every row of a page), on-disk sorts and multi-batch hashes of the
            # committed sums. Measured on the full city: see docs/benefits.md, Performance.
            cursor.execute(f"SET LOCAL work_mem = '{PAYROLL_WORK_MEM}'")
        for part in parts:
            sql, params = build_insert(
                batch.pk, programme, day, region_code, person_ids, part=part, appeals=appeals
            )
            cursor.execute(sql, params)
            written += max(cursor.rowcount, 0)
    return written


@contextlib.contextmanager
def _sqlite_cache(cursor):
    """SQLite: a page cache of SQLITE_PAYROLL_CACHE_KIB for the statements of one insert (the
    default 2 MB cache re-reads the payment indexes' pages from the file system over and over on a
    city-wide run), then the connection's own size again."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (before,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_PAYROLL_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def build_insert(
    batch_id: int,
    programme: Programme,
    day: datetime.date,
    region_code: str,
    person_ids: list[int] | None = None,
    part: str = "target",
    appeals: bool = True,
) -> tuple[str, list]:
    """The INSERT … SELECT of one programme and period (the rule compiled to SQL). `appeals`
    False: there is no granted appeal for the period, so the amount skips the appeal look-ups."""
    compiled = Compiled(programme, day)
    period = period_key(programme, day)
    prior = committed_lines(programme, period).values("person_id")

    appealed = granted_appeals(programme, day).values("person_id")
    qs = compiled.annotate(Person.objects.all())
    if part == "target":
        qs = qs.filter(compiled.target_q)
    elif part == "prior":
        qs = qs.filter(pk__in=prior).exclude(compiled.target_q)
    else:
        qs = qs.filter(pk__in=appealed).exclude(compiled.target_q).exclude(pk__in=prior)
    scope_prefix = regions.prefix_of(programme.region_code)
    qs = qs.filter(region_code__startswith=scope_prefix)
    if region_code:
        qs = qs.filter(region_code__startswith=regions.prefix_of(region_code))
    if person_ids is not None:
        qs = qs.filter(pk__in=person_ids)
    qs = qs.annotate(
        c_pid=F("pk"),
        c_region=F("region_code"),
        c_due=compiled.due_cents(with_appeals=appeals, targeted=part == "target"),
    ).values("c_pid", "c_region", "c_due")
    inner, params = qs.query.sql_with_params()
    # An optimisation fence: without it the planners inline the inner columns into the outer WHERE
    # and evaluate the rule's sub-selects several times per person.
    inner += " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"
    # What is already committed for this programme and period, summed once and hash-joined.
    committed, committed_params = (
        committed_lines(programme, period)
        .values("person_id")
        .order_by()
        .annotate(total=Sum("amount"))
        .values("person_id", "total")
        .query.sql_with_params()
    )
    table = connection.ops.quote_name(Payment._meta.db_table)
    delta = "(sub.c_due / 100.0 - COALESCE(c.total, 0))"
    keep = f"ABS({delta}) >= 0.005"
    if programme.period != Period.MONTHLY:
        # A yearly or one-off allowance, once given, is not taken back by a later month's run.
        keep += f" AND (c.total IS NULL OR {delta} > 0)"
    # ORDER BY person: the rows come out of the rule scan in birth-date order, i.e. random person
    # ids; inserted in id order, the (programme, period, person…) unique indexes and the person
    # index grow at their right edge instead of touching random leaf pages (full city: the whole
    # payroll went from about 34 s to 24 s in the same conditions, see docs/benefits.md).
    sql = (
        f"INSERT INTO {table} (batch_id, programme_id, person_id, period, kind, amount, region_code, recovered) "
        f"SELECT %s, %s, sub.c_pid, %s, "
        f"CASE WHEN c.person_id IS NULL THEN 'regular' WHEN {delta} > 0 THEN 'arrears' ELSE 'recovery' END, "
        f"ROUND({delta}, 2), sub.c_region, %s FROM ({inner}) sub "
        f"LEFT JOIN ({committed}) c ON c.person_id = sub.c_pid WHERE {keep} ORDER BY sub.c_pid"
    )
    return sql, [batch_id, programme.pk, period, False, *params, *committed_params]


def committed_lines(programme: Programme, period: str):
    """The lines already written for a programme and period: those of its batches (lines of
    rejected batches are deleted), found through the (batch, period, person) key."""
    return Payment.objects.filter(
        batch__in=Batch.objects.filter(programme_id=programme.pk).values("pk"), period=period
    )


def periods_for(
    programme: Programme, month: str, lookback: int
) -> list[tuple[datetime.date, list[int] | None]]:
    """(as-of day, persons or None for everyone) to evaluate: the month, `lookback` months before it,
    and the earlier months of granted appeals whose arrears are not yet paid out."""
    days = [month_start(add_months(month, -k)) for k in range(lookback, -1, -1)]
    if programme.period != Period.MONTHLY:
        days = [month_start(month)]
    out: list[tuple[datetime.date, list[int] | None]] = [(d, None) for d in days]
    first = days[0]
    pending = Appeal.objects.filter(
        programme=programme, state=Appeal.State.GRANTED, arrears_batch__isnull=True, grant_from__lt=first
    )
    extra: dict[datetime.date, set[int]] = {}
    for a in pending:
        d = month_start(f"{a.grant_from:%Y-%m}")
        while d < first and (a.grant_to is None or d <= a.grant_to):
            if programme.period == Period.MONTHLY:
                extra.setdefault(d, set()).add(a.person_id)
            d = month_start(add_months(f"{d:%Y-%m}", 1))
    out = [(d, sorted(ids)) for d, ids in sorted(extra.items())] + out
    return out


def parallel_workers(programmes: int) -> int:
    """How many programmes to compute at once, each in its own transaction on its own connection.

    Only on PostgreSQL (SQLite has one writer at a time), and only when the caller holds no
    transaction: other connections could not see its uncommitted rows, so inside one (a test, a
    caller's atomic block) the programmes run one after another in it, as they always may."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    limit = getattr(settings, "CARECIRCLE_PAYROLL_WORKERS", None) or os.cpu_count() or 1
    return max(1, min(programmes, int(limit)))


def largest_first(programmes: list[Programme], day: datetime.date) -> list[Programme]:
    """The programmes by their expected number of lines, largest first, so that with two workers
    the longest run starts at once instead of last and the other worker takes the rest: the lines
    of the programme's latest month (its batches of that month added up: a month is much like the
    last), or, for a programme never run, the planner's estimate of the lines its rule selects."""
    months = Batch.objects.filter(programme=OuterRef("programme")).order_by("-month").values("month")[:1]
    sizes = dict(
        Batch.objects.filter(programme__in=programmes, month=Subquery(months))
        .order_by()
        .values("programme")
        .annotate(n=Sum("line_count"))
        .values_list("programme", "n")
    )
    expected = {p.pk: sizes[p.pk] if p.pk in sizes else estimated_lines(p, day) for p in programmes}
    return sorted(programmes, key=lambda p: -expected[p.pk])


def estimated_lines(programme: Programme, day: datetime.date) -> int:
    """The planner's estimate of the rows of a first run's INSERT … SELECT (PostgreSQL, where
    programmes run in parallel); nothing is executed."""
    sql, params = build_insert(0, programme, day, "", appeals=False)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plans"][0]["Plan Rows"])


def run_parallel(run, programmes: list[Programme], workers: int, day: datetime.date) -> list:
    """`run(programme)` for each, `workers` at a time (the largest first), each thread on its own
    database connection; the results in the order of `programmes`. Every programme's run is its
    own transaction, as when they run one after another; a failure is raised once the others have
    finished (their batches stand, like the earlier ones of a sequential run)."""

    def one(p):
        try:
            return run(p)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="payroll") as pool:
        futures = {p.pk: pool.submit(one, p) for p in largest_first(programmes, day)}
    return [futures[p.pk].result() for p in programmes]


def summarise(batch: Batch) -> None:
    """Totals by kind, district and period, from ONE grouped scan of the batch's lines (the groups
    are few: kinds × districts × periods) rolled up here, rather than one scan per breakdown."""
    money = DecimalField(max_digits=14, decimal_places=2)
    pos = Sum(Case(When(amount__gt=0, then=F("amount")), default=Value(ZERO), output_field=money))
    neg = Sum(Case(When(amount__lt=0, then=F("amount")), default=Value(ZERO), output_field=money))
    groups = (
        Payment.objects.filter(batch=batch)
        .annotate(d=Substr("region_code", 1, 6))
        .values("kind", "d", "period")
        .order_by()
        .annotate(n=Sum(Value(1)), pos=pos, neg=neg)
    )
    kinds: dict[str, list] = {}
    districts: dict[str, list] = {}
    periods: dict[str, int] = {}
    total_n, total_pos, total_neg = 0, ZERO, ZERO
    for r in groups:
        n, p, m = r["n"], r["pos"] or ZERO, r["neg"] or ZERO
        total_n, total_pos, total_neg = total_n + n, total_pos + p, total_neg + m
        k = kinds.setdefault(r["kind"], [0, ZERO])
        k[0], k[1] = k[0] + n, k[1] + p + m
        d = districts.setdefault(r["d"], [0, ZERO, ZERO])
        d[0], d[1], d[2] = d[0] + n, d[1] + p, d[2] + m
        periods[r["period"]] = periods.get(r["period"], 0) + n
    by_kind = {
        str(Payment.Kind(k).label): [v[0], str(v[1].quantize(Decimal("0.01")))]
        for k, v in sorted(kinds.items())
    }
    by_district = [
        {"region": regions.district_of(d), "count": v[0], "payable": str(v[1]), "recovery": str(v[2])}
        for d, v in sorted(districts.items())
    ]
    batch.line_count = total_n
    batch.total_payable = total_pos.quantize(Decimal("0.01"))
    batch.total_recovery = (-total_neg).quantize(Decimal("0.01"))
    batch.summary = {
        "by_kind": by_kind,
        "by_district": by_district,
        "by_period": dict(sorted(periods.items())),
        "seconds": round((timezone.now() - batch.prepared_at).total_seconds(), 3),
    }
    batch.save(update_fields=["line_count", "total_payable", "total_recovery", "summary"])


def district_totals(batch: Batch) -> list[dict]:
    """Payable and recovery sums per district and period (the ledger's dimensions)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    rows = (
        Payment.objects.filter(batch=batch)
        .annotate(d=Substr("region_code", 1, 6))
        .values("d", "period")
        .order_by("d", "period")
        .annotate(
            pos=Sum(Case(When(amount__gt=0, then=F("amount")), default=Value(ZERO), output_field=money)),
            neg=Sum(Case(When(amount__lt=0, then=F("amount")), default=Value(ZERO), output_field=money)),
        )
    )
    return [
        {
            "region": regions.district_of(r["d"]),
            "period": r["period"],
            "payable": (r["pos"] or ZERO).quantize(Decimal("0.01")),
            "recovery": (-(r["neg"] or ZERO)).quantize(Decimal("0.01")),
        }
        for r in rows
    ]
