from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarevisitsConfig(AppConfig):
    name = "carecircle.carevisits"
    label = "carevisits"
    verbose_name = _("探访关爱")
