from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "carecircle.benefits"
    label = "benefits"
    verbose_name = _("津贴补贴（免申即享）")
