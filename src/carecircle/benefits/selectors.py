"""Reads of the benefits module, always through the user's scope.

Contract for other modules: `entitlements_for(*, person, day)` (a list of
`carecircle.benefits.types.Entitlement`), and for many persons at once
`entitled_amounts(*, programme_code, persons, day)`.

What a user may do with a payroll batch or an appeal is `batch_actions(user, batch)` and
`appeal_actions(user, appeal)` (docs/directory-guide.md, "Writing a page"): the pages show a button
for each action in the set, and the services refuse with the same `batch_action_open` /
`is_batch_preparer` / `appeal_action_open` checks."""

import datetime
import enum
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum, TextField
from django.db.models.functions import Cast

from carecircle.benefits import engine, payroll, rule_text
from carecircle.benefits.models import (
    Account,
    Appeal,
    Batch,
    Fund,
    LedgerEntry,
    LedgerLine,
    Payment,
    Programme,
)
from carecircle.benefits.types import (
    BalanceRow,
    Entitlement,
    FundBalance,
    LedgerCheck,
    PaymentMethod,
    PaymentNotice,
    Period,
    PolicyText,
    PolicyTier,
)
from carecircle.core import region_pick, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import NotFound
from carecircle.core.types import Actor, signed_in
from carecircle.registry.models import Person
from carecircle.registry.selectors import family_persons

CENT = Decimal("0.01")


def entitlements_for(*, person: Person, day: datetime.date) -> list[Entitlement]:
    """What `person` is entitled to on `day`: one `Entitlement` per programme they qualify for
    (amount per period, the period and the payment method as enums). No scope check: callers
    have already checked the person."""
    return [
        Entitlement(
            programme_code=e["programme_code"],
            name=e["name"],
            amount=e["amount"],
            period=Period(e["period"]),
            payment_method=PaymentMethod(e["payment_method"]),
        )
        for e in engine.person_eligibility(person, day)
        if e["eligible"]
    ]


def entitled_amounts(
    *, programme_code: str, persons: QuerySet[Person], day: datetime.date, payment_method: str = ""
) -> dict[int, Decimal]:
    """{person id: amount per period} of those among `persons` who qualify for the programme on
    `day`: the rule compiled to SQL, one query however many persons (what `entitlements_for`
    says person by person). Empty for an unknown programme, one not in force, or one paid
    another way than `payment_method`. No scope check: callers have checked the persons."""
    programme = Programme.objects.filter(code=(programme_code or "").strip(), active=True).first()
    if (
        programme is None
        or not engine.in_force(programme, day)
        or (payment_method and programme.payment_method != payment_method)
    ):
        return {}
    compiled = engine.Compiled(programme, day)
    rows = (
        compiled.annotate(persons.filter(region_code__startswith=regions.prefix_of(programme.region_code)))
        .annotate(due=compiled.due_cents())
        .filter(due__gt=0)
        .values_list("pk", "due")
    )
    return {pk: (Decimal(due) / 100).quantize(CENT) for pk, due in rows}


def programme_period(programme_code: str) -> Period | None:
    """The period a programme's amount is due for (a voucher of a one-off programme: once ever);
    None for an unknown or inactive programme."""
    period = (
        Programme.objects.filter(code=(programme_code or "").strip(), active=True)
        .values_list("period", flat=True)
        .first()
    )
    return Period(period) if period else None


def person_eligibility(*, user: Actor, person: Person, day: datetime.date) -> list[dict[str, Any]]:
    """Every programme for a person, eligible or not, with the trace of why (staff or own family)."""
    if not own_person(user, person):
        scope.require(user, "benefits.view", person.region_code)
    return engine.person_eligibility(person, day)


def own_person(user: Actor, person: Person) -> bool:
    return family_persons(user).filter(pk=person.pk).exists()


def my_persons(user: Actor) -> QuerySet[Person]:
    return family_persons(user).order_by("birth_date")


def payments_of(person: Person, limit: int = 60) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(person=person)
        .exclude(batch__state=Batch.State.REJECTED)
        .select_related("programme", "batch")
        .order_by("-period", "-id")[:limit]
    )


def payroll_programmes(*, user: Actor) -> list[Programme]:
    """The programmes a payroll run may name: a voucher programme is paid where the voucher is used,
    never by a batch (`payroll.paid_by_payroll`), so the run form does not offer it."""
    return [p for p in programme_list(user=user) if payroll.paid_by_payroll(p)]


def programme_list(*, user: Actor) -> list[Programme]:
    """Programmes applying in or above the user's regions (a city programme is visible to a street)."""
    ps = scope.prefixes(user, "benefits.view")
    if not ps:
        return []
    out = []
    for p in Programme.objects.select_related("fund").prefetch_related("tiers").order_by("code"):
        prefix = regions.prefix_of(p.region_code)
        if any(q.startswith(prefix) or prefix.startswith(q) for q in ps):
            out.append(p)
    return out


def programme_get(*, user: Actor, programme_id: int, perm: str = "benefits.view") -> Programme:
    p = Programme.objects.select_related("fund").prefetch_related("tiers").filter(pk=programme_id).first()
    if p is None:
        raise NotFound()
    if perm == "benefits.view":
        prefix = regions.prefix_of(p.region_code)
        if not any(q.startswith(prefix) or prefix.startswith(q) for q in scope.prefixes(user, perm)):
            raise NotFound()
    else:
        scope.require(user, perm, p.region_code)
    return p


def batch_list(*, user: Actor, state: str = "") -> QuerySet[Batch]:
    qs = scope.in_scope(
        Batch.objects.select_related("programme", "prepared_by", "approved_by").annotate(
            region_name=region_pick.name_of()
        ),
        user,
        "benefits.view",
    )
    if state:
        qs = qs.filter(state=state)
    return qs


def batch_get(*, user: Actor, batch_id: int) -> Batch:
    batch = access_by_id(
        Batch.objects.select_related("programme__fund", "prepared_by", "approved_by"),
        batch_id,
        user=user,
        perm="benefits.view",
    )
    return batch


def batch_lines(batch: Batch, limit: int = 200) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(batch=batch)
        .select_related("person", "batch")
        .annotate(region_name=region_pick.name_of())
        .order_by("region_code", "person_id")[:limit]
    )


def batch_open_recoveries(batch: Batch) -> QuerySet[Payment]:
    """The recovery lines of `batch` that have not come back yet (the batch's page offers each)."""
    return (
        Payment.objects.filter(batch=batch, kind=Payment.Kind.RECOVERY, recovered=False)
        .select_related("person", "batch")
        .order_by("region_code", "person_id")
    )


def fund_list(*, user: Actor) -> QuerySet[Fund]:
    return scope.in_scope(Fund.objects.all(), user, "benefits.view")


def fund_get(*, user: Actor, fund_id: int) -> Fund:
    """A fund the user sees (benefits.view over its region); the same 404 for missing and out of scope."""
    return access_by_id(Fund.objects.all(), fund_id, user=user, perm="benefits.view")


def fund_balances(*, user: Actor) -> list[FundBalance]:
    """Each fund the user sees with its balance on every account (one query for the sums)."""
    funds = list(fund_list(user=user))
    sums: dict[tuple[int, str], Decimal] = {
        (fund_id, account): total or Decimal("0")
        for fund_id, account, total in LedgerLine.objects.filter(fund__in=funds)
        .values("fund_id", "account")
        .annotate(s=Sum("amount"))
        .order_by()
        .values_list("fund_id", "account", "s")
    }

    def on(fund: Fund, account: Account) -> Decimal:
        return sums.get((fund.pk, account), Decimal("0")).quantize(CENT)

    return [
        FundBalance(
            fund=f,
            appropriation=on(f, Account.APPROPRIATION),
            available=on(f, Account.AVAILABLE),
            committed=on(f, Account.COMMITTED),
            disbursed=on(f, Account.DISBURSED),
            receivable=on(f, Account.RECEIVABLE),
        )
        for f in funds
    ]


def balances(*, user: Actor, fund_id: int | None = None) -> list[BalanceRow]:
    """Balances by account per fund, programme, region and month (the ledger's dimensions)."""
    funds = fund_list(user=user)
    lines = LedgerLine.objects.filter(fund__in=funds)
    if fund_id:
        lines = lines.filter(fund_id=fund_id)
    dims = ("fund__name", "programme__name", "region_code", "month", "account")
    rows = list(lines.values(*dims).annotate(total=Sum("amount")).order_by(*dims).values_list(*dims, "total"))
    names = region_pick.names_of(row[2] for row in rows)
    return [
        BalanceRow(
            fund_name=fund,
            programme_name=programme,
            region_code=region,
            region_name=names.get(region, ""),
            month=month,
            account=Account(account),
            total=(total or Decimal("0")).quantize(CENT),
        )
        for fund, programme, region, month, account, total in rows
    ]


def ledger_check() -> LedgerCheck:
    """The auditor's check: every entry balances and the whole ledger sums to zero."""
    unbalanced = tuple(
        LedgerLine.objects.values("entry_id")
        .annotate(s=Sum("amount"))
        .exclude(s=0)
        .values_list("entry_id", "s")
    )
    total = LedgerLine.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    empty = LedgerEntry.objects.annotate(n=Count("lines")).filter(n=0).count()
    return LedgerCheck(
        entries=LedgerEntry.objects.count(),
        lines=LedgerLine.objects.count(),
        total=total,
        unbalanced=unbalanced,
        empty_entries=empty,
    )


def appeal_inbox(*, user: Actor, state: str = "") -> QuerySet[Appeal]:
    """Appeals routed to the user's districts (deciders) or in their area (workers who file)."""
    qs = Appeal.objects.select_related("person", "programme", "filed_by", "decided_by").annotate(
        route_region_name=region_pick.name_of("route_region")
    )
    decide = scope.in_scope(qs, user, "benefits.decide", field="route_region")
    view = scope.in_scope(qs, user, "benefits.view")
    qs = (decide | view).distinct()
    if state:
        qs = qs.filter(state=state)
    return qs


def appeal_get(*, user: Actor, appeal_id: int) -> Appeal:
    appeal = Appeal.objects.select_related("person", "programme").filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound()
    if not (
        scope.has_perm(user, "benefits.decide", appeal.route_region)
        or scope.has_perm(user, "benefits.view", appeal.region_code)
        or own_person(user, appeal.person)
    ):
        raise NotFound()
    return appeal


def payroll_counts(*, user: Actor) -> dict[str, int]:
    qs = batch_list(user=user)
    return {s: qs.filter(state=s).count() for s in Batch.State.values} | {
        "open_appeals": appeal_inbox(user=user, state=Appeal.State.OPEN).count()
    }


# ---------------------------------------------------------------- what a user may do


class BatchAction(enum.StrEnum):
    """What can be done with a payroll batch; each has its page URL `payrolls/<id>/<action>/`
    (the bank file: `payrolls/<id>/bank-file.<fmt>`)."""

    APPROVE = "approve"
    REJECT = "reject"
    PAID = "paid"
    RECOVER = "recover"
    EXPORT = "export"


_BATCH_STATES: dict[BatchAction, frozenset[str]] = {
    BatchAction.APPROVE: frozenset({Batch.State.PREPARED}),
    BatchAction.REJECT: frozenset({Batch.State.PREPARED}),
    BatchAction.PAID: frozenset({Batch.State.APPROVED}),
    BatchAction.RECOVER: frozenset({Batch.State.PAID}),
    BatchAction.EXPORT: frozenset({Batch.State.APPROVED, Batch.State.PAID}),
}


def batch_action_open(batch: Batch, action: BatchAction) -> bool:
    """Whether the batch's state allows `action` (the one table of which state allows what)."""
    return batch.state in _BATCH_STATES[action]


def is_batch_preparer(user: Actor, batch: Batch) -> bool:
    """The user who prepared the batch (who may not approve it: two pairs of eyes). A batch the
    system prepared has no preparer; the system itself (None) counts as the preparer of none."""
    return signed_in(user) and batch.prepared_by_id is not None and batch.prepared_by_id == user.pk


def batch_actions(user: Actor, batch: Batch) -> frozenset[BatchAction]:
    """What `user` may do with `batch` now: holders of benefits.approve over its region, in the
    states the table allows; approving also needs someone other than the preparer."""
    if not signed_in(user) or not scope.has_perm(user, "benefits.approve", batch.region_code):
        return frozenset()
    return frozenset(
        a
        for a in BatchAction
        if batch_action_open(batch, a) and not (a is BatchAction.APPROVE and is_batch_preparer(user, batch))
    )


def recovery_open(line: Payment) -> bool:
    """A recovery line of a paid batch that has not come back yet (what `recovery_collect` takes)."""
    return (
        line.kind == Payment.Kind.RECOVERY
        and batch_action_open(line.batch, BatchAction.RECOVER)
        and not line.recovered
    )


class AppealAction(enum.StrEnum):
    DECIDE = "decide"


_APPEAL_STATES: dict[AppealAction, frozenset[str]] = {AppealAction.DECIDE: frozenset({Appeal.State.OPEN})}


def appeal_action_open(appeal: Appeal, action: AppealAction) -> bool:
    """Whether the appeal's state allows `action`: only an open appeal is decided."""
    return appeal.state in _APPEAL_STATES[action]


def appeal_actions(user: Actor, appeal: Appeal) -> frozenset[AppealAction]:
    """What `user` may do with `appeal`: decide it when it is open, routed to a district where the
    user holds benefits.decide, and not filed by the user themself."""
    if (
        signed_in(user)
        and appeal_action_open(appeal, AppealAction.DECIDE)
        and appeal.filed_by_id != user.pk
        and scope.has_perm(user, "benefits.decide", appeal.route_region)
    ):
        return frozenset({AppealAction.DECIDE})
    return frozenset()


def public_policies(*, day: datetime.date) -> list[PolicyText]:
    """Every allowance in force on `day`, its conditions in plain Chinese generated from its rule
    (rule_text): what the public policy pages list (no sign-in; a programme is public policy)."""
    rows = (
        Programme.objects.filter(active=True, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .prefetch_related("tiers")
        .order_by("region_code", "code")
    )
    return [
        PolicyText(
            name=p.name,
            region_code=p.region_code,
            conditions=rule_text.describe(p.target_rule),
            tiers=tuple(
                PolicyTier(
                    label=t.label,
                    condition=rule_text.describe(t.condition) if t.condition.strip() else "",
                    amount=t.amount,
                )
                for t in sorted(p.tiers.all(), key=lambda t: (t.order, t.pk))
            ),
            period=Period(p.period),
            payment_method=PaymentMethod(p.payment_method),
            cap=p.cap,
            basis=p.basis,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
        )
        for p in rows
    ]


# ---------------------------------------------------------------- what the portal tells a person


def paid_batch_ids(*, since: datetime.datetime, until: datetime.datetime) -> list[int]:
    """The batches paid in [since, until) (the portal's messages of a month's allowances)."""
    rows = Batch.objects.filter(state=Batch.State.PAID, paid_at__gte=since, paid_at__lt=until)
    return list(rows.order_by("paid_at", "id").values_list("id", flat=True))


def _previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def payment_notices(*, batch_id: int, chunk: int = 5000) -> Iterator[PaymentNotice]:
    """Every line of a paid batch as a notice, then the people paid last month by the same
    programme in the same region who are not in this batch (stopped). Phones stay ciphertext."""
    batch = Batch.objects.select_related("programme").get(pk=batch_id, state=Batch.State.PAID)
    name = batch.programme.name
    fields = ("id", "kind", "amount", "period", "region_code", "person_id", "person__user_id", "phone_c")
    lines = (
        Payment.objects.filter(batch_id=batch.pk)
        .annotate(phone_c=Cast("person__phone", TextField()))  # the ciphertext, not decrypted
        .values_list(*fields)
        .order_by("id")
    )
    for pk, kind, amount, period, region, person, user, phone in lines.iterator(chunk_size=chunk):
        what = "recovered" if kind == Payment.Kind.RECOVERY else "granted"
        yield PaymentNotice(f"payment:{pk}", what, person, user, phone or "", name, period, amount, region)
    previous = _previous_month(batch.month)
    stopped = (
        Payment.objects.filter(
            programme_id=batch.programme_id,
            period=previous,
            kind=Payment.Kind.REGULAR,
            batch__state=Batch.State.PAID,
            region_code__startswith=regions.prefix_of(batch.region_code),
        )
        .exclude(person_id__in=Payment.objects.filter(batch_id=batch.pk).values("person_id"))
        .annotate(phone_c=Cast("person__phone", TextField()))
        .values_list("amount", "region_code", "person_id", "person__user_id", "phone_c")
        .order_by("id")
    )
    for amount, region, person, user, phone in stopped.iterator(chunk_size=chunk):
        key = f"stopped:{batch.programme_id}:{batch.month}:{person}"
        yield PaymentNotice(key, "stopped", person, user, phone or "", name, batch.month, amount, region)


def paid_after_death(*, since_period: str) -> dict[str, int]:
    """Payments of a period from `since_period` ("YYYY-MM") on, in an approved or paid batch, neither
    a recovery nor recovered, to a person recorded as dead (registry status 死亡) before the period
    began: counted per community (oversight's early warnings). Two queries: the candidates (only
    people with a death status), then the dates compared."""
    from carecircle.registry.models import PersonStatus, StatusKind  # noqa: PLC0415 — the shared registry

    dead = PersonStatus.objects.filter(kind=StatusKind.DECEASED)
    rows = list(
        Payment.objects.filter(
            period__gte=since_period,
            batch__state__in=[Batch.State.APPROVED, Batch.State.PAID],
            recovered=False,
            person_id__in=dead.values("person_id"),
        )
        .exclude(kind=Payment.Kind.RECOVERY)
        .values_list("person_id", "period", "region_code")
    )
    died = dict(dead.filter(person_id__in={p for p, _pe, _r in rows}).values_list("person_id", "valid_from"))
    out: dict[str, int] = {}
    for person_id, period, region in rows:
        if f"{period}-01" > died[person_id].isoformat():
            out[region] = out.get(region, 0) + 1
    return out
