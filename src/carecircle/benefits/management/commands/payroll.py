"""`carecircle payroll run --month 2026-11 [--programme CODE] [--region CODE] [--lookback N]`

Runs the month's payroll set-based and leaves each programme's batch for review and approval by
a second person on the staff pages (or `carecircle payroll approve --batch ID --user NAME`)."""

import time

from django.core.management.base import BaseCommand, CommandError

from carecircle.benefits import services
from carecircle.benefits.models import Batch
from carecircle.core.errors import DomainError
from carecircle.core.models import User


class Command(BaseCommand):
    help = "津贴补贴月度发放：run 计算发放批次；list 查看批次；approve 以复核人身份审批"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="计算某月的发放批次（只写入与已发放的差额）")
        run.add_argument("--month", required=True, help="YYYY-MM")
        run.add_argument("--programme", default="", help="项目代码（默认：全部在用项目）")
        run.add_argument("--region", default="", help="区划代码（默认：全市）")
        run.add_argument("--lookback", type=int, default=0, help="同时复核之前几个月（补发/追回）")
        sub.add_parser("list", help="最近的发放批次")
        approve = sub.add_parser("approve", help="审批批次（须与制单人不同）")
        approve.add_argument("--batch", type=int, required=True)
        approve.add_argument("--user", required=True, help="审批人账号")

    def handle(self, *args, **opts):
        try:
            if opts["action"] == "run":
                start = time.monotonic()
                batches = services.payroll_run(
                    actor=None,
                    month=opts["month"],
                    programme_code=opts["programme"],
                    region_code=opts["region"],
                    lookback=opts["lookback"],
                )
                for b in batches:
                    self.stdout.write(
                        f"批次#{b.pk} {b.programme.code} {b.programme.name} {b.month}: {b.line_count:,} 笔，"
                        f"应发 {b.total_payable} 元，追回 {b.total_recovery} 元（待审核）"
                    )
                if not batches:
                    self.stdout.write("没有新的差额：本月已全部计算过，无需新批次")
                self.stdout.write(f"用时 {time.monotonic() - start:.1f} 秒")
            elif opts["action"] == "list":
                for b in Batch.objects.select_related("programme")[:30]:
                    self.stdout.write(
                        f"#{b.pk} {b.month} {b.programme.code} {b.get_state_display()} "
                        f"{b.line_count:,} 笔 {b.total_payable} 元"
                    )
            else:
                user = User.objects.filter(username=opts["user"]).first()
                if user is None:
                    raise CommandError(f"没有账号 {opts['user']}")
                b = services.payroll_approve(actor=user, batch_id=opts["batch"])
                self.stdout.write(f"批次#{b.pk} 已审批（{b.total_payable} 元）")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
