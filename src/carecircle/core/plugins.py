"""Discovery of what each domain module contributes: URL patterns, an API router, tasks,
navigation entries and a step of the synthetic city. A module adds a file; the core needs no edit."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.conf import settings


def module_names() -> list[str]:
    return list(settings.CARECIRCLE_MODULES)


def optional_submodules(name: str) -> list[ModuleType]:
    """Import `carecircle.<module>.<name>` for every module that has one."""
    found: list[ModuleType] = []
    for module in ["core", *module_names()]:
        dotted = f"carecircle.{module}.{name}"
        if find_spec(dotted) is not None:
            found.append(import_module(dotted))
    return found
