"""Money of care at home through the funds ledger, once per bed or contract and month: the family
bed's monthly subsidy (家庭养老床位运营补贴, paid to the bed's provider) and the assistive-device rental
subsidy (康复辅具租赁补贴, the subsidy of each month's bill). The pattern is the LTC settlement's and the
adaptation payment's: benefits.services.ledger_spend with the system acting, idempotent by its
reference, plus this module's own row with a unique key, so that a rerun posts nothing new.

- A bed is billed for a month in which it was in service on any day (it started on or before the
  month's last day and had not ended before its first); the months after its end are not billed.
- A rental contract out during the month is billed first (rentals_services.bill_month, each month
  once, never after the return), then each unposted bill's subsidy is posted.
- Each posting stands in its own transaction: a fund short of money refuses that posting only
  (nothing of it saved) and the next run posts it once the fund has money.
The monthly task (money_tasks.py) runs this for the month just closed."""

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.careathome import beds_reference, homes_reference
from carecircle.careathome.models.beds import FamilyBed
from carecircle.careathome.models.homes import RentalBill, RentalContract
from carecircle.careathome.models.money import BedSubsidy
from carecircle.careathome.rentals_services import bill_month
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput

log = logging.getLogger("carecircle.careathome")
SYSTEM = "careathome"


@dataclass
class MonthPosting:
    """What one run did: postings made now (a rerun makes none) and those refused, with why."""

    month: str
    beds: int = 0
    bed_amount: Decimal = Decimal("0")
    bills: int = 0
    rentals: int = 0
    rental_amount: Decimal = Decimal("0")
    refused: list[str] = field(default_factory=list)


def _bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def _spend(
    *, programme: str, region_code: str, month: str, amount: Decimal, reference: str, memo: str
) -> None:
    from carecircle.benefits.services import ledger_spend  # noqa: PLC0415 — the other module may be absent

    ledger_spend(
        actor=None,  # the system acting for this module's monthly rule; it audits its own posting
        programme_code=programme,
        region_code=region_code,
        month=month,
        amount=amount,
        reference=reference,
        system=SYSTEM,
        memo=memo,
    )


def beds_due(month: datetime.date) -> "list[FamilyBed]":
    """The beds in service on some day of `month` with a subsidy and no posting for it yet."""
    first, last = _bounds(month)
    return list(
        FamilyBed.objects.filter(starts_on__lte=last, monthly_subsidy__gt=0)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .exclude(subsidies__month=first)
        .select_related("provider")
        .order_by("pk")
    )


def post_bed(bed: FamilyBed, month: datetime.date) -> BedSubsidy | None:
    """Post one bed's month, once: None when it was posted already (by an earlier or concurrent run)."""
    first = month.replace(day=1)
    label = first.strftime("%Y-%m")
    reference = f"family_bed:{bed.pk}:{label}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = BedSubsidy.objects.create(
                    bed=bed,
                    region_code=bed.region_code,
                    month=first,
                    amount=bed.monthly_subsidy,
                    ledger_reference=reference,
                )
        except IntegrityError:
            return None
        _spend(
            programme=beds_reference.PROGRAMME_CODE,
            region_code=bed.region_code,
            month=label,
            amount=bed.monthly_subsidy,
            reference=reference,
            memo=_("家庭养老床位 %(m)s 运营补贴：%(p)s") % {"m": label, "p": bed.provider.name},
        )
        audit.record(
            actor=None,
            action=AuditAction.FAMILY_BED_SUBSIDY,
            obj=bed,
            month=label,
            amount=str(bed.monthly_subsidy),
            reference=reference,
            system=SYSTEM,
        )
    return row


def contracts_out(month: datetime.date) -> "list[RentalContract]":
    """The rental contracts out on some day of `month` (delivered by its end, not returned before it)."""
    first, last = _bounds(month)
    return list(
        RentalContract.objects.filter(delivered_on__lte=last)
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=first))
        .order_by("pk")
    )


def post_rental(bill: RentalBill) -> bool:
    """Post one bill's subsidy, once (the bill row locked; its reference unique). False when there
    was nothing to post (posted already, or no subsidy)."""
    with transaction.atomic():
        bill = (
            RentalBill.objects.select_for_update(of=("self",))
            .select_related("contract__person", "contract__unit__device_type")
            .get(pk=bill.pk)
        )
        if bill.ledger_reference or bill.subsidy <= 0:
            return False
        reference = f"rental:{bill.contract_id}:{bill.month}"
        _spend(
            programme=homes_reference.RENTAL_PROGRAMME_CODE,
            region_code=bill.contract.region_code,
            month=bill.month,
            amount=bill.subsidy,
            reference=reference,
            memo=_("康复辅具租赁 %(m)s 补贴：%(who)s租用%(d)s")
            % {"m": bill.month, "who": bill.contract.person.name, "d": bill.contract.unit.device_type.name},
        )
        bill.ledger_reference, bill.posted_at = reference, timezone.now()
        bill.save(update_fields=["ledger_reference", "posted_at"])
        audit.record(
            actor=None,
            action=AuditAction.RENTAL_SUBSIDY,
            obj=bill.contract,
            month=bill.month,
            amount=str(bill.subsidy),
            reference=reference,
            system=SYSTEM,
        )
    return True


def post_month(*, month: datetime.date) -> MonthPosting:
    """Post `month` (a closed month) for every bed and rental; a rerun posts nothing new."""
    first, last = _bounds(month)
    label = first.strftime("%Y-%m")
    if last >= timezone.localdate():
        raise Conflict(_("%(m)s尚未结束，月末后方可入账") % {"m": label}, field="month")
    out = MonthPosting(month=label)
    if not apps.is_installed("carecircle.benefits"):
        return out
    for bed in beds_due(first):
        try:
            row = post_bed(bed, first)
        except (Conflict, InvalidInput) as exc:
            out.refused.append(f"家庭养老床位 {bed.pk}：{exc.message}")
            continue
        if row is not None:
            out.beds, out.bed_amount = out.beds + 1, out.bed_amount + row.amount
    billed = set(RentalBill.objects.filter(month=label).values_list("contract_id", flat=True))
    for contract in contracts_out(first):
        if contract.pk in billed:
            continue
        try:
            with transaction.atomic():
                bill_month(actor=None, contract=contract, first=first)
            out.bills += 1
        except (Conflict, InvalidInput) as exc:  # billed meanwhile by staff, or outside its term
            log.info("rental %s %s not billed: %s", contract.pk, label, exc.message)
    for bill in RentalBill.objects.filter(month=label, ledger_reference="", subsidy__gt=0).order_by("pk"):
        try:
            posted = post_rental(bill)
        except (Conflict, InvalidInput) as exc:
            out.refused.append(f"辅具租赁合同 {bill.contract_id}：{exc.message}")
            continue
        if posted:
            out.rentals, out.rental_amount = out.rentals + 1, out.rental_amount + bill.subsidy
    for line in out.refused:
        log.warning("careathome %s posting refused: %s", label, line)
    return out
