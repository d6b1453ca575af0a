"""The benefits module's staff lists, declared for the list component (core/lists.py): the payroll
batches, the payment lines (a batch's page lists its own: the `batch` parameter, carried unseen),
the funds ledger's postings and the appeals. Regions by name, money as ¥1,234.00 on pages and as
numbers in the export, ID numbers and bank accounts masked unless pii.unmask and a purpose."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.benefits import selectors
from carecircle.benefits.models import (
    Account,
    Appeal,
    Batch,
    Fund,
    LedgerEntry,
    LedgerLine,
    PayeeAccount,
    Payment,
    Programme,
)
from carecircle.core import lists, scope
from carecircle.core.errors import InvalidInput
from carecircle.core.templatetags.carecircle_format import period
from carecircle.core.types import Actor

PERSON_PII = ("person__id_number", "person__phone", "person__address")


def _user(u: Any) -> str:
    return (u.display_name or u.username) if u is not None else ""


def _programmes() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Programme.objects.order_by("code").values_list("pk", "name")]


def _funds() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Fund.objects.order_by("code").values_list("pk", "name")]


# ------------------------------------------------------------------ payroll batches


def _batches(user: Actor) -> QuerySet[Batch]:
    return selectors.batch_list(user=user)


BATCHES = lists.ListSpec(
    name="benefits.batches",
    title=gettext_lazy("发放批次"),
    perm="benefits.view",
    rows=_batches,
    file_name="payroll-batches",
    columns=(
        lists.Column(
            "number",
            gettext_lazy("批次号"),
            lambda b: b.pk,
            sort=("id",),
            link=lambda b: reverse("benefits:payroll_detail", args=[b.pk]),
        ),
        lists.Column(
            "programme", gettext_lazy("项目"), lambda b: b.programme.name, sort=("programme__name",)
        ),
        lists.Column("month", gettext_lazy("月份"), lambda b: period(b.month), sort=("month",)),
        lists.Column(
            "region", gettext_lazy("范围"), lambda b: b.region_code, sort=("region_code",), region=True
        ),
        lists.Column("lines", gettext_lazy("笔数"), lambda b: b.line_count, sort=("line_count",)),
        lists.Column(
            "payable", gettext_lazy("应发"), lambda b: b.total_payable, sort=("total_payable",), money=True
        ),
        lists.Column(
            "recovery", gettext_lazy("追回"), lambda b: b.total_recovery, sort=("total_recovery",), money=True
        ),
        lists.Column("state", gettext_lazy("状态"), lambda b: b.get_state_display(), sort=("state",)),
        lists.Column("prepared_by", gettext_lazy("制单"), lambda b: _user(b.prepared_by) or _("系统")),
        lists.Column(
            "prepared",
            gettext_lazy("制单时间"),
            lambda b: lists.local_time(b.prepared_at),
            sort=("prepared_at",),
        ),
        lists.Column("approved_by", gettext_lazy("审批"), lambda b: _user(b.approved_by)),
    ),
    filters=(
        lists.region_filter(label=gettext_lazy("范围")),
        lists.choice_filter("state", gettext_lazy("批次状态"), Batch.State.choices),
        lists.choice_filter("programme", gettext_lazy("项目"), _programmes, lookup="programme_id"),
        lists.date_filter("prepared", gettext_lazy("制单日期"), "prepared_at__date"),
    ),
    default_sort="-number",
)


# ------------------------------------------------------------------ payment lines

LINE_STATES = (
    ("prepared", gettext_lazy("待审核")),
    ("approved", gettext_lazy("已审批")),
    ("paid", gettext_lazy("已发放")),
    ("rejected", gettext_lazy("审批未通过")),
    ("recovered", gettext_lazy("已追回")),
)

LINE_LABELS = dict(LINE_STATES)


def _lines(user: Actor) -> QuerySet[Payment]:
    """The payment lines of the user's regions (a line carries its person's community)."""
    return scope.in_scope(
        Payment.objects.select_related("person", "programme", "batch").defer(*PERSON_PII),
        user,
        "benefits.view",
    )


def _batch(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if not value.isdigit():
        raise InvalidInput(_("参数 batch（批次号）无效：应为批次的编号"), field="batch")
    return qs.filter(batch_id=int(value))


def _line_state(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value == "recovered":
        return qs.filter(recovered=True)
    return qs.filter(batch__state=value, recovered=False)


def _line_state_shown(p: Payment) -> str:
    return str(LINE_LABELS["recovered" if p.recovered else p.batch.state])


def _prepare_lines(rows: list[Any]) -> None:
    """Each line's payee account (bank and number), one query for the page or export chunk."""
    accounts = {
        a.person_id: a for a in PayeeAccount.objects.filter(person_id__in={p.person_id for p in rows})
    }
    for p in rows:
        p.payee = accounts.get(p.person_id)


def _account_masked(p: Any) -> str:  # p.payee: set by _prepare_lines
    return f"{p.payee.bank} {p.payee.account_masked}" if p.payee else ""


def _account_clear(p: Any) -> str:
    return f"{p.payee.bank} {p.payee.account_number}" if p.payee else ""


PAYMENT_LINES = lists.ListSpec(
    name="benefits.payment_lines",
    title=gettext_lazy("发放明细"),
    perm="benefits.view",
    export_perm="registry.export",
    rows=_lines,
    prepare=_prepare_lines,
    file_name="payment-lines",
    columns=(
        lists.Column(
            "name",
            gettext_lazy("姓名"),
            lambda p: p.person.name,
            sort=("person__name",),
            link=lambda p: reverse("benefits:person", args=[p.person_id]),
        ),
        lists.Column(
            "id_number",
            gettext_lazy("身份证号"),
            lambda p: p.person.id_masked,
            clear=lambda p: p.person.id_number,
        ),
        lists.Column(
            "region",
            gettext_lazy("社区"),
            lambda p: p.region_code,
            sort=("region_code", "person_id"),
            region=True,
        ),
        lists.Column(
            "programme", gettext_lazy("项目"), lambda p: p.programme.name, sort=("programme__name",)
        ),
        lists.Column("period", gettext_lazy("所属期"), lambda p: period(p.period), sort=("period",)),
        lists.Column("kind", gettext_lazy("类型"), lambda p: p.get_kind_display(), sort=("kind",)),
        lists.Column("amount", gettext_lazy("金额"), lambda p: p.amount, sort=("amount",), money=True),
        lists.Column("account", gettext_lazy("收款账户"), _account_masked, clear=_account_clear),
        lists.Column("batch", gettext_lazy("批次号"), lambda p: p.batch_id, sort=("batch_id",)),
        lists.Column("state", gettext_lazy("状态"), _line_state_shown),
    ),
    filters=(
        lists.Filter("batch", gettext_lazy("批次号"), lists.HIDDEN, _batch),
        lists.region_filter(label=gettext_lazy("社区")),
        lists.choice_filter("state", gettext_lazy("状态"), LINE_STATES, apply=_line_state),
        lists.choice_filter("kind", gettext_lazy("类型"), Payment.Kind.choices),
        lists.choice_filter("programme", gettext_lazy("项目"), _programmes, lookup="programme_id"),
        lists.text_filter(
            "q",
            gettext_lazy("搜索"),
            lists.person_text("person"),
            placeholder=gettext_lazy("姓名或完整身份证号"),
        ),
    ),
    default_sort="region",
)


# ------------------------------------------------------------------ the funds ledger


def _ledger(user: Actor) -> QuerySet[LedgerLine]:
    """The postings of the funds the user sees (selectors.fund_list: the fund's region in scope)."""
    return LedgerLine.objects.filter(fund__in=selectors.fund_list(user=user)).select_related(
        "entry", "fund", "programme"
    )


def _debit(x: LedgerLine) -> Decimal | None:
    return x.amount if x.amount > 0 else None


def _credit(x: LedgerLine) -> Decimal | None:
    return -x.amount if x.amount < 0 else None


LEDGER = lists.ListSpec(
    name="benefits.ledger",
    title=gettext_lazy("记账明细"),
    perm="benefits.view",
    rows=_ledger,
    file_name="funds-ledger",
    columns=(
        lists.Column(
            "at",
            gettext_lazy("记账时间"),
            lambda x: lists.local_time(x.entry.at),
            sort=("entry__at", "entry_id"),
        ),
        lists.Column("entry", gettext_lazy("凭证号"), lambda x: x.entry_id, sort=("entry_id",)),
        lists.Column(
            "kind", gettext_lazy("业务"), lambda x: x.entry.get_kind_display(), sort=("entry__kind",)
        ),
        lists.Column("fund", gettext_lazy("资金"), lambda x: x.fund.name, sort=("fund__name",)),
        lists.Column(
            "programme",
            gettext_lazy("项目"),
            lambda x: x.programme.name if x.programme else "",
            sort=("programme__name",),
        ),
        lists.Column(
            "region", gettext_lazy("区划"), lambda x: x.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "month", gettext_lazy("所属期"), lambda x: period(x.month) if x.month else "", sort=("month",)
        ),
        lists.Column("account", gettext_lazy("科目"), lambda x: x.get_account_display(), sort=("account",)),
        lists.Column("debit", gettext_lazy("借方"), _debit, money=True),
        lists.Column("credit", gettext_lazy("贷方"), _credit, money=True),
        lists.Column("memo", gettext_lazy("摘要"), lambda x: x.entry.memo),
    ),
    filters=(
        lists.choice_filter("fund", gettext_lazy("资金"), _funds, lookup="fund_id"),
        lists.choice_filter("kind", gettext_lazy("业务"), LedgerEntry.Kind.choices, lookup="entry__kind"),
        lists.choice_filter("account", gettext_lazy("科目"), Account.choices),
        lists.date_filter("at", gettext_lazy("记账日期"), "entry__at__date"),
        lists.region_filter(),
    ),
    default_sort="-at",
)


# ------------------------------------------------------------------ appeals


def _appeals(user: Actor) -> QuerySet[Appeal]:
    return selectors.appeal_inbox(user=user)


def _appeal_text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    """A name or a whole ID number (as the payment lines), or words of the reason."""
    if text[:17].isdigit():
        return lists.person_text("person")(qs, text)
    return qs.filter(Q(person__name__contains=text) | Q(reason__contains=text))


def _decision(a: Appeal) -> str:
    if a.state == Appeal.State.OPEN:
        return ""
    text = f"{_user(a.decided_by)}：{a.decision_reason}"
    if a.grant_amount is not None:
        text += _("，%(a)s 元/期") % {"a": f"{a.grant_amount:,.2f}"}
    return text


APPEALS = lists.ListSpec(
    name="benefits.appeals",
    title=gettext_lazy("津贴申诉"),
    perm="benefits.view",
    export_perm="registry.export",
    rows=_appeals,
    file_name="benefit-appeals",
    columns=(
        lists.Column("number", gettext_lazy("编号"), lambda a: a.pk, sort=("id",)),
        lists.Column(
            "name",
            gettext_lazy("姓名"),
            lambda a: a.person.name,
            sort=("person__name",),
            link=lambda a: reverse("benefits:person", args=[a.person_id]),
        ),
        lists.Column(
            "region", gettext_lazy("社区"), lambda a: a.region_code, sort=("region_code",), region=True
        ),
        lists.Column(
            "programme", gettext_lazy("项目"), lambda a: a.programme.name, sort=("programme__name",)
        ),
        lists.Column("month", gettext_lazy("所涉月份"), lambda a: period(a.month), sort=("month",)),
        lists.Column("reason", gettext_lazy("申诉理由"), lambda a: a.reason),
        lists.Column(
            "filed", gettext_lazy("提交时间"), lambda a: lists.local_time(a.filed_at), sort=("filed_at",)
        ),
        lists.Column("filed_by", gettext_lazy("提交人"), lambda a: _user(a.filed_by)),
        lists.Column(
            "route", gettext_lazy("承办"), lambda a: a.route_region, sort=("route_region",), region=True
        ),
        lists.Column("state", gettext_lazy("状态"), lambda a: a.get_state_display(), sort=("state",)),
        lists.Column("decision", gettext_lazy("处理结果"), _decision),
    ),
    filters=(
        lists.choice_filter("state", gettext_lazy("状态"), Appeal.State.choices),
        lists.choice_filter("programme", gettext_lazy("项目"), _programmes, lookup="programme_id"),
        lists.date_filter("filed", gettext_lazy("提交日期"), "filed_at__date"),
        lists.region_filter(label=gettext_lazy("社区")),
        lists.text_filter(
            "q", gettext_lazy("搜索"), _appeal_text, placeholder=gettext_lazy("姓名或申诉理由")
        ),
    ),
    defaults={"state": Appeal.State.OPEN},
    default_sort="-filed",
)
