from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "carecircle.alarms"
    label = "alarms"
    verbose_name = _("呼叫平台")
