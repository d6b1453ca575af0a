"""The hours ledger (private: services.py and selectors.py re-export what others call).

Double-entry like the funds ledger (benefits/_ledger.py: `_post`, `transfer`): an entry's lines sum
to zero, its `key` is unique (posting the same key again counts nothing), and a holder's balance is
checked under a row lock on its account, so two concurrent transfers cannot both spend one hour."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from carecircle.core.errors import Conflict, InvalidInput
from carecircle.core.regions import district_of
from carecircle.core.types import Actor, signed_in
from carecircle.timebank.models import HOLDER_KINDS, Account, AccountKind, Entry, Line, Volunteer
from carecircle.timebank.types import LedgerCheck

ZERO = Decimal("0")
QUARTER = Decimal("0.01")


def hours_value(raw: object, field: str = "hours", *, most: Decimal = Decimal("1000")) -> Decimal:
    """A positive number of hours, to two places, at most `most`."""
    try:
        value = Decimal(str(raw).strip())
    except (ArithmeticError, ValueError):
        raise InvalidInput(_("时长须为数字（小时）"), field=field) from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput(_("时长须大于0小时"), field=field)
    if value > most:
        raise InvalidInput(_("时长不能超过%(m)s小时") % {"m": most}, field=field)
    if value != value.quantize(QUARTER):
        raise InvalidInput(_("时长最多保留两位小数"), field=field)
    return value.quantize(QUARTER)


def district_account(kind: AccountKind, region_code: str) -> Account:
    district = district_of(region_code)
    account, _made = Account.objects.get_or_create(kind=kind, region_code=district)
    return account


def volunteer_account(volunteer: Volunteer) -> Account:
    account, _made = Account.objects.get_or_create(
        kind=AccountKind.VOLUNTEER,
        volunteer=volunteer,
        defaults={"region_code": district_of(volunteer.region_code)},
    )
    return account


def person_account(person_id: int, region_code: str) -> Account:
    account, _made = Account.objects.get_or_create(
        kind=AccountKind.PERSON, person_id=person_id, defaults={"region_code": district_of(region_code)}
    )
    return account


def balance(account: Account) -> Decimal:
    value = Line.objects.filter(account=account).aggregate(s=Sum("hours"))["s"]
    return value if value is not None else ZERO


def locked_balance(account: Account) -> Decimal:
    """The balance with the account row locked until the transaction ends."""
    Account.objects.select_for_update().filter(pk=account.pk).first()
    return balance(account)


def post(
    *,
    key: str,
    kind: str,
    day: datetime.date,
    lines: Iterable[tuple[Account, Decimal]],
    actor: Actor,
    memo: str = "",
    request_id: int | None = None,
) -> Entry:
    """Post one balanced entry under `key`; the entry already posted under `key` when there is one
    (nothing is counted twice)."""
    found = Entry.objects.filter(key=key).first()
    if found is not None:
        return found
    rows = [(acc, h) for acc, h in lines if h != 0]
    total = sum((h for _a, h in rows), ZERO)
    if not rows or total != 0:
        raise Conflict(_("时间记账凭证借贷不平：差额 %(d)s 小时") % {"d": total})
    entry = Entry.objects.create(
        key=key,
        kind=kind,
        day=day,
        request_id=request_id,
        memo=memo[:200],
        created_by=actor if signed_in(actor) else None,
    )
    Line.objects.bulk_create(
        [Line(entry=entry, account=acc, hours=h, region_code=acc.region_code, day=day) for acc, h in rows]
    )
    return entry


def moved(account: Account, kind: str, start: datetime.date, end: datetime.date) -> Decimal:
    """Hours the account gained (earn) or gave (gift: as a positive number) in [start, end]."""
    qs = Line.objects.filter(account=account, entry__kind=kind, day__gte=start, day__lte=end)
    value = qs.aggregate(s=Sum("hours"))["s"] or ZERO
    return abs(value)


def ledger_check() -> LedgerCheck:
    """The whole ledger checked by SQL aggregates in two passes over the lines: the entries whose
    lines do not sum to zero (grouped by entry), and the lines summed per account first, then
    joined to the accounts (a few hundred thousand rows, not millions) for the holders' hours
    against the contra accounts and the holders below zero."""
    unbalanced = Line.objects.values("entry_id").annotate(s=Sum("hours")).exclude(s=0).order_by().count()
    line, account = Line._meta.db_table, Account._meta.db_table
    holders = ", ".join(f"'{k.value}'" for k in HOLDER_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT SUM(CASE WHEN a.kind IN ({holders}) THEN t.s ELSE 0 END),
                       SUM(CASE WHEN a.kind IN ({holders}) THEN 0 ELSE t.s END),
                       SUM(CASE WHEN a.kind IN ({holders}) AND t.s < 0 THEN 1 ELSE 0 END),
                       SUM(t.n)
                FROM (SELECT account_id, SUM(hours) AS s, COUNT(*) AS n FROM {line} GROUP BY account_id) t
                JOIN {account} a ON a.id = t.account_id"""  # noqa: S608 — table names and kinds are ours
        )
        held, contra, negative, lines = cursor.fetchone()
    return LedgerCheck(
        entries=Entry.objects.count(),
        lines=int(lines or 0),
        unbalanced=unbalanced,
        outstanding=Decimal(str(held or 0)).quantize(QUARTER),
        contra=Decimal(str(contra or 0)).quantize(QUARTER),
        negative=int(negative or 0),
    )


def outstanding_by_district() -> dict[str, Decimal]:
    """Hours held by volunteers, persons and pools, by district (one query)."""
    rows = (
        Line.objects.filter(account__kind__in=HOLDER_KINDS)
        .values("region_code")
        .annotate(s=Sum("hours"))
        .order_by()
    )
    return {r["region_code"]: r["s"] or ZERO for r in rows}
