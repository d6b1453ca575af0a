from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "carecircle.planning"
    label = "planning"
    verbose_name = _("规划与指标")

    def ready(self) -> None:
        from carecircle.planning import computations_workforce  # noqa: PLC0415 — models are loaded only now

        computations_workforce.register()
