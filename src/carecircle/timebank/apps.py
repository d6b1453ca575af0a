from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "carecircle.timebank"
    label = "timebank"
    verbose_name = _("志愿服务与时间银行")
