"""`carecircle ledger check`: the auditor's check that every journal entry balances and the funds
ledger sums to zero (exit status 1 when it does not). `carecircle ledger balances` prints them."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum

from carecircle.benefits.models import Account, LedgerLine
from carecircle.benefits.selectors import ledger_check


class Command(BaseCommand):
    help = "资金台账：check 核对借贷平衡；balances 按资金/科目列出余额"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "balances"])

    def handle(self, *args, **opts):
        if opts["action"] == "balances":
            rows = (
                LedgerLine.objects.values("fund__code", "fund__name", "account")
                .annotate(s=Sum("amount"))
                .order_by("fund__code", "account")
            )
            for r in rows:
                self.stdout.write(
                    f"{r['fund__code']:<18} {r['fund__name']:<20} {Account(r['account']).label:<16} {r['s']:>16}"
                )
            return
        result = ledger_check()
        self.stdout.write(f"凭证 {result.entries:,} 张，分录 {result.lines:,} 行，合计 {result.total}")
        for entry_id, diff in result.unbalanced:
            self.stdout.write(f"  凭证#{entry_id} 借贷不平：差额 {diff}")
        if not result.ok:
            raise CommandError("资金台账不平")
        self.stdout.write("资金台账借贷平衡，合计为零")
