from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "carecircle.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from carecircle.core import plugins, tasks  # noqa: PLC0415 — runs while the app registry is loading

        plugins.optional_submodules("tasks")  # registers every module's tasks
        import_module("carecircle.core.list_export")  # registers the list export task
        tasks.configure_worker()  # beat's schedule and the broker's visibility timeout
