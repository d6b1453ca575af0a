"""Reference data of facilities: grade thresholds, grade subsidies and the default waiting-list
rule, loaded by migration 0002 and again here (idempotent) after the database is emptied."""

from importlib import import_module

from django.apps import apps


def ensure() -> None:
    import_module("carecircle.facilities.migrations.0002_standards").forwards(apps, None)
