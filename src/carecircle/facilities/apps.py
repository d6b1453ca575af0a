from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "carecircle.facilities"
    label = "facilities"
    verbose_name = _("养老托育设施")
    default_auto_field = "django.db.models.BigAutoField"
