from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildcareConfig(AppConfig):
    name = "carecircle.childcare"
    label = "childcare"
    verbose_name = _("托育服务")
    default_auto_field = "django.db.models.BigAutoField"
