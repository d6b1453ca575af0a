"""Reads of care-at-home money posted to the funds ledger (money_services.py): the monthly subsidy
postings of one family bed and of one rental contract, for their staff pages — month, amount, when
posted and the ledger reference in words (the programme, the month and whom it paid; never the
internal ids the reference itself carries)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from carecircle.careathome import beds_reference, homes_reference
from carecircle.careathome.models.beds import FamilyBed
from carecircle.careathome.models.homes import RentalContract


@dataclass(frozen=True)
class SubsidyPosting:
    month: str  # YYYY-MM
    amount: Decimal
    posted_at: datetime.datetime | None
    words: str  # the ledger reference in words


def bed_postings(bed: FamilyBed) -> list[SubsidyPosting]:
    """The bed's monthly subsidies posted, newest month first (the caller checked access)."""
    provider = bed.provider.name
    rows = bed.subsidies.order_by("-month")
    return [
        SubsidyPosting(
            month=f"{r.month:%Y-%m}",
            amount=r.amount,
            posted_at=r.posted_at,
            words=_("%(p)s %(m)s，拨付%(who)s")
            % {"p": beds_reference.PROGRAMME_NAME, "m": f"{r.month:%Y-%m}", "who": provider},
        )
        for r in rows
    ]


def rental_postings(contract: RentalContract) -> list[SubsidyPosting]:
    """The contract's bills whose subsidy was posted, newest month first (the caller checked access)."""
    device = contract.unit.device_type.name
    rows = contract.bills.exclude(ledger_reference="").order_by("-month")
    return [
        SubsidyPosting(
            month=r.month,
            amount=r.subsidy,
            posted_at=r.posted_at,
            words=_("%(p)s %(m)s，%(who)s租用%(d)s")
            % {
                "p": homes_reference.RENTAL_PROGRAMME_NAME,
                "m": r.month,
                "who": contract.person.name,
                "d": device,
            },
        )
        for r in rows
    ]
