"""Money of care at home posted to the funds ledger month by month, once: the family bed's monthly
subsidy (one row per bed and month, unique) — the rental subsidy is marked on its bill
(homes.RentalBill.ledger_reference, unique when set)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field


class BedSubsidy(models.Model):
    """The month's subsidy of one family bed, posted to the funds ledger (reference
    ``family_bed:<bed>:<YYYY-MM>``): at most one per bed and month."""

    bed = models.ForeignKey("careathome.FamilyBed", on_delete=models.PROTECT, related_name="subsidies")
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    month = models.DateField(_("月份"))
    amount = money_field(_("补贴（元）"))
    ledger_reference = models.CharField(_("记账凭证号"), max_length=60, unique=True)
    posted_at = models.DateTimeField(_("入账时间"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "bed_id"]
        verbose_name = _("家庭养老床位月度补贴")
        verbose_name_plural = _("家庭养老床位月度补贴")
        constraints = [models.UniqueConstraint(fields=["bed", "month"], name="family_bed_subsidy_once")]
