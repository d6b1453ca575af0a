"""Completion, ratings, complaints and the month-end provider statement."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from carecircle.core.months import month_bounds
from carecircle.core.organisations import OrganisationKind, require_admin_or_staff
from carecircle.homecare import selectors
from carecircle.homecare.models import (
    Complaint,
    CostShareLine,
    CostShareRule,
    FundingSource,
    Order,
    OrderStatus,
    PaymentLine,
    Provider,
    Rating,
    Statement,
    StatementEntry,
    StatementLine,
    StatementPosting,
    VisitException,
)
from carecircle.homecare.services import require_provider_admin
from carecircle.homecare.types import StatementRow


def _require_recipient_side(actor, order: Order) -> None:
    """The person themself or a linked family member."""
    if selectors.is_recipient_side(actor, order):
        return
    raise Forbidden(_("只有服务对象本人或其家属可以确认和评价"))


@transaction.atomic
def order_rate(*, actor, order: Order, score: int, comment: str = "", request=None) -> Rating:
    """The person or family confirms the service and rates it 1–5."""
    order = Order.objects.select_for_update().select_related("person").get(pk=order.pk)
    _require_recipient_side(actor, order)
    try:
        score = int(score)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("评分应为1-5的整数"), field="score") from exc
    if not 1 <= score <= 5:
        raise InvalidInput(_("评分应为1-5的整数"), field="score")
    if not selectors.action_open(order, selectors.OrderAction.RATE):
        raise Conflict(_("服务完成后才能评价"), field="status")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                order=order,
                region_code=order.region_code,
                provider_id=order.provider_id,
                score=score,
                comment=(comment or "").strip()[:300],
                by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("该订单已评价"), field="score") from exc
    order.status = OrderStatus.COMPLETED
    order.save(update_fields=["status"])
    audit.record(actor=actor, action=AuditAction.ORDER_RATE, obj=order, request=request, score=score)
    return rating


def street_of(region_code: str) -> str:
    return region_code[:9] + "000"


@transaction.atomic
def complaint_create(*, actor, order: Order, text: str, now=None, request=None) -> Complaint:
    """A complaint goes to the provider and to the street, with the region's deadline."""
    order = Order.objects.select_related("person").get(
        pk=order.pk
    )  # the current state, whatever the caller holds
    _require_recipient_side(actor, order)
    if not selectors.action_open(order, selectors.OrderAction.COMPLAIN):
        raise Conflict(_("服务完成后才能投诉"), field="status")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请填写投诉内容"), field="text")
    now = now or timezone.now()
    hours = selectors.policy_for(order.region_code).complaint_deadline_hours
    complaint = Complaint.objects.create(
        order=order,
        region_code=order.region_code,
        provider_id=order.provider_id,
        street_code=street_of(order.region_code),
        text=text[:500],
        deadline=now + datetime.timedelta(hours=hours),
        by=actor,
    )
    audit.record(
        actor=actor, action=AuditAction.COMPLAINT_CREATE, obj=complaint, request=request, order_id=order.pk
    )
    return complaint


@transaction.atomic
def complaint_answer(*, actor, complaint: Complaint, response: str, request=None) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    require_admin_or_staff(
        actor,
        kind=OrganisationKind.HOMECARE_PROVIDER,
        organisation_id=complaint.provider_id,
        perm="homecare.review",
        region_code=complaint.region_code,
    )
    response = (response or "").strip()
    if not response:
        raise InvalidInput(_("请填写答复内容"), field="response")
    if complaint.status != Complaint.Status.OPEN:
        raise Conflict(_("该投诉已答复"), field="status")
    complaint.status, complaint.response, complaint.answered_at = (
        Complaint.Status.ANSWERED,
        response[:500],
        timezone.now(),
    )
    complaint.save(update_fields=["status", "response", "answered_at"])
    audit.record(actor=actor, action=AuditAction.COMPLAINT_ANSWER, obj=complaint, request=request)
    return complaint


def _entry_state(order: Order, exceptions: dict, complaints: set) -> tuple[str, str]:
    kinds = exceptions.get(order.pk, [])
    if any(status == VisitException.Status.REJECTED for _k, status in kinds):
        return StatementEntry.State.REFUSED, _("核验异常未通过审核")
    if any(status == VisitException.Status.OPEN for _k, status in kinds):
        return StatementEntry.State.HELD, _("核验异常待审核")
    if order.pk in complaints:
        return StatementEntry.State.HELD, _("投诉处理中")
    return StatementEntry.State.PAID, ""


@transaction.atomic
def statement_generate(*, actor, provider: Provider, month: datetime.date, request=None) -> Statement:
    """Build (or rebuild) the provider's statement for `month`: verified visits by funding source;
    visits with an open exception or complaint are held back, rejected ones are refused. Rebuilding
    replaces the month's lines, so nothing is counted twice."""
    if actor is not None:
        require_provider_admin(actor, provider)
    start, end = month_bounds(month)
    orders = list(
        Order.objects.filter(
            provider=provider,
            status__in=[OrderStatus.SERVED, OrderStatus.COMPLETED],
            window_start__gte=start,
            window_start__lt=end,
        ).defer("address")
    )
    ids = [o.pk for o in orders]
    exceptions: dict[int, list] = defaultdict(list)
    for order_id, kind, status in VisitException.objects.filter(visit__order_id__in=ids).values_list(
        "visit__order_id", "kind", "status"
    ):
        exceptions[order_id].append((kind, status))
    complaints = set(
        Complaint.objects.filter(order_id__in=ids, status=Complaint.Status.OPEN).values_list(
            "order_id", flat=True
        )
    )
    statement, _created = Statement.objects.select_for_update().get_or_create(
        provider=provider, month=month.replace(day=1), defaults={"region_code": provider.region_code}
    )
    statement.entries.all().delete()
    statement.lines.all().delete()
    entries, paid_ids = [], []
    held_count, held_total = 0, Decimal("0")
    for order in orders:
        state, reason = _entry_state(order, exceptions, complaints)
        entries.append(
            StatementEntry(statement=statement, order=order, state=state, reason=reason, amount=order.price)
        )
        if state == StatementEntry.State.PAID:
            paid_ids.append(order.pk)
        elif state == StatementEntry.State.HELD:
            held_count += 1
            held_total += order.price
    StatementEntry.objects.bulk_create(entries)
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [set(), Decimal("0")])
    for order_id, source, code, amount in PaymentLine.objects.filter(order_id__in=paid_ids).values_list(
        "order_id", "source", "programme_code", "amount"
    ):
        sums[(source, code)][0].add(order_id)
        sums[(source, code)][1] += amount
    StatementLine.objects.bulk_create(
        [
            StatementLine(
                statement=statement, source=source, programme_code=code, visits=len(v[0]), amount=v[1]
            )
            for (source, code), v in sorted(sums.items())
        ]
    )
    statement.visit_count = len(paid_ids)
    statement.total = sum((o.price for o in orders if o.pk in set(paid_ids)), Decimal("0"))
    statement.held_count, statement.held_total = held_count, held_total
    statement.ledger_note = ""
    if month_bounds(statement.month)[1] <= timezone.now():
        statement.ledger_note = _post_to_ledger(actor=actor, statement=statement, request=request)
    statement.save()
    audit.record(
        actor=actor,
        action=AuditAction.STATEMENT_GENERATE,
        obj=statement,
        request=request,
        month=month.strftime("%Y-%m"),
        visits=statement.visit_count,
        total=str(statement.total),
        held=held_count,
        **({} if actor is not None else {"system": "settlement"}),
    )
    return statement


# Funding sources paid by a government fund: vouchers and purchased-service allowances of benefits
# programmes, and the 政府补一点 meal-help share when its CostShareLine names a programme.
LEDGER_SOURCES = (FundingSource.VOUCHER, FundingSource.ALLOWANCE, FundingSource.GOVERNMENT)


def share_rule_id(programme_code: str) -> int | None:
    """The cost-share rule of a statement line's code "share:<rule id>", or None."""
    rest = programme_code[6:] if programme_code.startswith("share:") else ""
    return int(rest) if rest.isdigit() else None


def ledger_programmes(lines) -> dict[tuple[str, str], str]:
    """{(source, programme_code) of a statement line: benefits programme whose fund pays it}."""
    share_ids = {
        share_rule_id(line.programme_code) for line in lines if line.source == FundingSource.GOVERNMENT
    }
    shares = dict(
        CostShareLine.objects.filter(rule_id__in=share_ids - {None}, source=FundingSource.GOVERNMENT)
        .exclude(programme_code="")
        .values_list("rule_id", "programme_code")
    )
    out = {}
    for line in lines:
        if line.source in (FundingSource.VOUCHER, FundingSource.ALLOWANCE) and line.programme_code:
            out[(line.source, line.programme_code)] = line.programme_code
        elif line.source == FundingSource.GOVERNMENT:
            rule_id = share_rule_id(line.programme_code)
            code = shares.get(rule_id) if rule_id is not None else None
            if code:
                out[(line.source, line.programme_code)] = code
    return out


def statement_lines(statement: Statement) -> list[StatementRow]:
    """A statement's lines for its page, by funding source: each with `programme_name` (the
    cost-share rule's name for "share:<id>"), `funder` (the benefits programme whose fund pays
    it), its ledger `postings` and the `posted` total."""
    order = {source: k for k, source in enumerate(FundingSource.values)}
    lines = sorted(statement.lines.all(), key=lambda line: (order.get(line.source, 99), line.programme_code))
    rule_ids = {rule_id for line in lines if (rule_id := share_rule_id(line.programme_code)) is not None}
    rules = dict(CostShareRule.objects.filter(pk__in=rule_ids).values_list("pk", "name"))
    funders = ledger_programmes([line for line in lines if line.source in LEDGER_SOURCES])
    posted: dict[tuple[str, str], list[StatementPosting]] = defaultdict(list)
    for p in statement.postings.all():
        posted[(p.source, p.programme_code)].append(p)
    rows = []
    for line in lines:
        rule_id = share_rule_id(line.programme_code)
        postings = tuple(posted[(line.source, line.programme_code)])
        rows.append(
            StatementRow(
                source=line.source,
                source_label=line.get_source_display(),
                programme_code=line.programme_code,
                programme_name=rules.get(rule_id, "") if rule_id is not None else line.programme_code,
                visits=line.visits,
                amount=line.amount,
                funder=funders.get((line.source, line.programme_code), ""),
                postings=postings,
                posted=sum((p.amount for p in postings), Decimal("0")),
            )
        )
    return rows


def _post_to_ledger(*, actor, statement: Statement, request=None) -> str:
    """Post the government-funded lines of a statement of a closed month to the benefits funds
    ledger (benefits.services.ledger_spend), each as what grew since the last posting. All or
    nothing: a refusal (e.g. 资金不足, naming the shortfall) rolls every posting of this build back and
    is returned as the note to show. Skipped when the benefits module is not installed."""
    if not apps.is_installed("carecircle.benefits"):
        return ""
    from carecircle.benefits.services import ledger_spend  # noqa: PLC0415 — the other module may be absent (apps.is_installed)

    lines = [line for line in statement.lines.all() if line.source in LEDGER_SOURCES]
    funders = ledger_programmes(lines)
    posted: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal("0"), 0])
    for source, code, amount, seq in statement.postings.values_list(
        "source", "programme_code", "amount", "seq"
    ):
        posted[(source, code)][0] += amount
        posted[(source, code)][1] = max(posted[(source, code)][1], seq)
    amounts = {(line.source, line.programme_code): line.amount for line in lines}
    notes = []
    month = statement.month.strftime("%Y-%m")
    try:
        with transaction.atomic():
            for key in sorted(set(amounts) | set(posted)):
                source, code = key
                delta = amounts.get(key, Decimal("0")) - posted[key][0]
                if delta < 0:
                    notes.append(
                        _("%(s)s %(c)s 已入账 %(p)s 元，高于本次结算，多出 %(d)s 元需财务冲正")
                        % {"s": FundingSource(source).label, "c": code, "p": posted[key][0], "d": -delta}
                    )
                    continue
                if delta == 0 or key not in funders:
                    continue
                seq = posted[key][1] + 1
                reference = f"homecare:statement:{statement.pk}:{source}:{code}:{seq}"
                try:
                    ledger_spend(
                        actor=None,
                        programme_code=funders[key],
                        region_code=statement.region_code,
                        month=month,
                        amount=delta,
                        reference=reference,
                        system="homecare",
                        memo=_("%(p)s %(m)s 居家服务结算：%(s)s")
                        % {"p": statement.provider.name, "m": month, "s": FundingSource(source).label},
                    )
                except DomainError as exc:
                    raise DomainError(
                        _("%(s)s（%(c)s）未入账：%(e)s")
                        % {"s": FundingSource(source).label, "c": funders[key], "e": exc.message}
                    ) from exc
                StatementPosting.objects.create(
                    statement=statement,
                    source=source,
                    programme_code=code,
                    ledger_programme=funders[key],
                    seq=seq,
                    amount=delta,
                    reference=reference,
                )
                audit.record(
                    actor=actor,
                    action=AuditAction.STATEMENT_LEDGER_POST,
                    obj=statement,
                    request=request,
                    source=source,
                    programme=funders[key],
                    amount=str(delta),
                    reference=reference,
                    **({} if actor is not None else {"system": "settlement"}),
                )
    except DomainError as exc:
        return (_("政府资金均未入账（全部回滚）。") + str(exc.message))[:300]
    return "；".join(str(n) for n in notes)[:300]
