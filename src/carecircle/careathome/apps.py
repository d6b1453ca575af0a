from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareathomeConfig(AppConfig):
    name = "carecircle.careathome"
    label = "careathome"
    verbose_name = _("居家照护")
