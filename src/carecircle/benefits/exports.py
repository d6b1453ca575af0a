"""Bank payment files (CSV / .xlsx) for approved batches: one row per payee, full numbers
(the caller records the export in the audit trail)."""

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from carecircle.benefits.models import Batch, PayeeAccount, Payment, PaymentMethod
from carecircle.core import exports, region_pick
from carecircle.registry.models import Person

# 所属社区 is the community's name; its code stands beside it for reconciliation (社区代码).
HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "开户行",
    "账号",
    "金额（元）",
    "项目",
    "发放月份",
    "所属社区",
    "社区代码",
    "备注",
]
IN_KIND_HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "数量/金额（元）",
    "项目",
    "所属期",
    "所属社区",
    "社区代码",
    "发放方式",
]


def rows(batch: Batch):
    """(person, account, amount, community name) per payee with a positive total in this batch, in region order."""
    totals = (
        Payment.objects.filter(batch=batch, amount__gt=0)
        .values("person_id")
        .annotate(total=Sum("amount"))
        .order_by("person_id")
    )
    chunk: list[Mapping[str, Any]] = []
    for row in totals.iterator(chunk_size=5000):
        chunk.append(row)
        if len(chunk) >= 5000:
            yield from _with_people(chunk)
            chunk = []
    if chunk:
        yield from _with_people(chunk)


def _with_people(chunk):
    ids = [r["person_id"] for r in chunk]
    people = {
        p.pk: p for p in Person.objects.filter(pk__in=ids).only("id", "name", "id_number", "region_code")
    }
    accounts = {a.person_id: a for a in PayeeAccount.objects.filter(person_id__in=ids)}
    names = region_pick.names_of(p.region_code for p in people.values())
    for r in chunk:
        person = people[r["person_id"]]
        yield person, accounts.get(r["person_id"]), r["total"], names.get(person.region_code, "")


def _money(total) -> Decimal:
    """An amount as a number with its two places (a number cell in .xlsx, 50.00 in CSV)."""
    return Decimal(total).quantize(Decimal("0.01"))


def table(batch: Batch):
    cash = batch.programme.payment_method == PaymentMethod.CASH
    yield HEADER if cash else IN_KIND_HEADER
    for n, (person, account, total, community) in enumerate(rows(batch), start=1):
        if cash:
            yield [
                n,
                person.name,
                person.id_number,
                account.bank if account else "",
                account.account_number if account else "",
                _money(total),
                batch.programme.name,
                batch.month,
                community,
                person.region_code,
                "" if account else "未登记收款账户，请核实后发放至社会保障卡",
            ]
        else:
            yield [
                n,
                person.name,
                person.id_number,
                _money(total),
                batch.programme.name,
                batch.month,
                community,
                person.region_code,
                batch.programme.get_payment_method_display(),
            ]


def bank_file(batch: Batch, fmt: str) -> tuple[bytes, int]:
    """The file's bytes and its number of payees; every cell written through core.exports."""
    count = 0
    if fmt == "xlsx":
        wb = exports.workbook(write_only=True)
        ws = wb.create_sheet(title="发放清单")
        for row in table(batch):
            exports.sheet_append(ws, row)
            count += 1
        return exports.xlsx_bytes(wb), count - 1
    buf = io.StringIO()
    writer = exports.csv_writer(buf)
    for row in table(batch):
        writer.writerow(row)
        count += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), count - 1
