from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "carecircle.homecare"
    label = "homecare"
    verbose_name = _("居家社区养老服务")
