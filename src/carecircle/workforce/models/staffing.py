"""The nursing-staff ratio rule as data (issue 21, item 2): how many residents of an assessed care
level one certified 养老护理员 may serve, per region. Neither the seeds nor a standard we can cite
set the figures, so a city (or a district, overriding it) fills them in; the most specific region's
rule applies, and a unit with residents of a level no rule covers is reported as "not set"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NursingRatioRule(models.Model):
    region_code = models.CharField(_("适用区域"), max_length=12, db_index=True)
    care_level = models.PositiveSmallIntegerField(_("能力等级"))  # assessment.types.CapabilityLevel
    residents_per_carer = models.DecimalField(_("每名护理员服务老人数"), max_digits=5, decimal_places=2)
    source = models.CharField(_("依据"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "care_level"]
        verbose_name = _("护理员配比规则")
        verbose_name_plural = _("护理员配比规则")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "care_level"], name="nursing_rule_once"),
            models.CheckConstraint(
                condition=Q(residents_per_carer__gt=0, care_level__lte=4), name="nursing_rule_positive"
            ),
        ]
