"""`carecircle oversight verify PLAN` re-runs a published draw from its seed and inputs and says
whether it matches what was stored; `carecircle oversight sync` brings the register of supervised
units in step with the facilities and home-care providers."""

from django.core.management.base import BaseCommand, CommandError

from carecircle.oversight import selectors, services
from carecircle.oversight.models import DrawPlan


class Command(BaseCommand):
    help = "综合监管：verify 复核双随机抽取结果；sync 更新监管对象名录库"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="按公示的种子和输入重新抽取，核对结果")
        verify.add_argument("plan", type=int, help="抽查计划编号")
        sub.add_parser("sync", help="从设施和居家服务机构更新监管对象名录库")

    def handle(self, *args, **opts):
        if opts["action"] == "sync":
            counts = services.units_sync(actor=None)
            self.stdout.write(f"监管对象名录库：新增 {counts['added']}，更新 {counts['changed']}")
            return
        try:
            plan = DrawPlan.objects.get(pk=opts["plan"])
        except DrawPlan.DoesNotExist:
            raise CommandError(
                f"没有编号为 {opts['plan']} 的抽查计划；用后台或 /oversight/ 查看计划编号"
            ) from None
        check = selectors.plan_verify(plan)
        self.stdout.write(f"计划：{plan.name}（{plan.get_state_display()}）")
        self.stdout.write(f"随机种子：{plan.seed}")
        self.stdout.write(f"公示的输入摘要：{plan.inputs_digest}")
        self.stdout.write(f"重新计算的摘要：{check.recomputed_digest}")
        if not check.digest_ok:
            raise CommandError("输入与公示的摘要不一致：抽取输入被改动过")
        if not check.drawn:
            self.stdout.write("输入与公示一致；尚未抽取")
            return
        if not check.result_ok:
            raise CommandError("重新抽取的结果与保存的结果不一致")
        self.stdout.write(self.style.SUCCESS(f"重新抽取结果一致：{check.units} 个对象及其检查人员"))
