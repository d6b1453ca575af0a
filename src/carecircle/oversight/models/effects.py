"""What a credit grade brings (信用结果运用, issue 20 item 5), as data an official edits in the admin.

Jiaxing 三(三): "建立监管结果与星级评定、政府补贴以及行业准入退出等挂钩的联动机制。加强信用监管和信息公开,
实施失信联合惩戒." Each grade says whether a unit of that grade may receive the grade subsidies
(facilities/subsidies.py), whether its 普惠 places and classes are recognised (facilities filings,
childcare classes), and where its offers stand when a home-care provider is chosen for an order
(1 first). Read by core/credit_standing.py through oversight/credit_standings.py."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.oversight.models.base import Grade

BASIS = "Jiaxing 三(三)：建立监管结果与星级评定、政府补贴以及行业准入退出等挂钩的联动机制，实施失信联合惩戒"

# grade: (grade subsidies, 普惠 recognised, order rank)
DEFAULT_EFFECTS: dict[str, tuple[bool, bool, int]] = {
    "A": (True, True, 1),
    "B": (True, True, 2),
    "C": (True, True, 3),
    "D": (False, False, 4),
}


class CreditEffect(models.Model):
    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, unique=True)
    subsidy = models.BooleanField(_("可享受等级补助"), default=True)
    puhui = models.BooleanField(_("可认定普惠"), default=True)
    order_rank = models.PositiveSmallIntegerField(_("选择服务机构时的排序"), default=2)
    basis = models.CharField(_("依据"), max_length=300, default=BASIS)

    class Meta:
        ordering = ["grade"]
        verbose_name = _("信用结果运用")
        verbose_name_plural = _("信用结果运用")

    def __str__(self) -> str:
        return self.get_grade_display()


def load_defaults(effect: Any) -> None:
    """Create the default effects where the table is empty (the migration passes the historical model)."""
    if not effect.objects.exists():
        effect.objects.bulk_create(
            effect(grade=g, subsidy=s, puhui=p, order_rank=r, basis=BASIS)
            for g, (s, p, r) in DEFAULT_EFFECTS.items()
        )


class Escalation(models.Model):
    """A rectification notice past its deadline and not put right, escalated to its district
    (issue 20 item 4 逾期整改上报): raised once per finding by the daily task, shown to the district's
    officials and inspectors until the finding closes."""

    finding = models.OneToOneField(
        "oversight.Finding", on_delete=models.CASCADE, related_name="escalation", verbose_name=_("整改通知")
    )
    region_code = models.CharField(max_length=12, db_index=True)  # the finding's (scope reads it)
    district_code = models.CharField(_("督办区县"), max_length=12, db_index=True)
    escalated_at = models.DateTimeField(_("上报时间"))
    days_overdue = models.PositiveIntegerField(_("上报时逾期天数"))

    class Meta:
        ordering = ["-escalated_at", "pk"]
        verbose_name = _("逾期整改上报")
        verbose_name_plural = _("逾期整改上报")
