from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "carecircle.workforce"
    label = "workforce"
    verbose_name = _("养老服务人才队伍")
