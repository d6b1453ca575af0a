"""Early warnings in the synthetic city (called from oversight/demo.py after the units and the
inspectors exist): the night's check run once over the whole city, and in the first district one
warning dismissed with a reason and one marked for inspection, so a new inspector (inspector1_1)
sees open, dismissed and to-be-inspected warnings of their own district only."""

from __future__ import annotations

from carecircle.core import regions
from carecircle.core.demo import City
from carecircle.core.models import User
from carecircle.oversight import services_warnings as services
from carecircle.oversight.models import EarlyWarning, WarningState


def generate(city: City) -> None:
    raised = services.warnings_raise(day=city.today)
    city.say(f"  预警 {raised} 条（每条规则、对象、月份只预警一次）")
    inspector = User.objects.filter(username="inspector1_1").first()
    if inspector is None or not city.districts:
        return
    prefix = regions.prefix_of(city.districts[0].code)
    open_ = list(
        EarlyWarning.objects.filter(state=WarningState.OPEN, region_code__startswith=prefix).order_by("id")[
            :2
        ]
    )
    if open_:
        services.warning_dismiss(
            actor=inspector, warning=open_[0], reason="已核实：该机构上月已接受消防联合检查，记录待补录"
        )
    if len(open_) > 1:
        services.warning_to_inspect(actor=inspector, warning=open_[1], note="列入本季度双随机抽查必抽名单")
