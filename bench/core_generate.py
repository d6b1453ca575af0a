"""Synthetic-city generation: people per second for the whole city, against creating the same kind
of rows one by one through the ORM (the naive way), measured in the same run.

    python bench/core_generate.py [--scale 0.01] [--database-url postgres://…] [--people-only]

--scale 1 is the full city (2.6 million older people, about 3 million people in all).
Prints one line of JSON."""

import argparse
import io
import json
import time

from _setup import django_ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--baseline-rows", type=int, default=500)
    parser.add_argument("--people-only", action="store_true", help="skip the other modules' demo steps")
    args = parser.parse_args()
    django_ready(args.database_url)

    from django.db import connection

    from carecircle.core import demo
    from carecircle.core.management.commands.generate import Command
    from carecircle.registry.models import Person, PersonStatus

    if args.people_only:
        demo.steps = lambda: [m for m in _steps() if m.__name__ == "carecircle.registry.demo"]
    command = Command(stdout=io.StringIO())
    started = time.perf_counter()
    command.handle(scale=args.scale, seed=2026, fresh=False, today=None)
    total_seconds = time.perf_counter() - started
    city = command.city
    people = Person.objects.count()
    statuses = PersonStatus.objects.count()

    # Baseline: the same rows through Model.save(), one at a time, on a sample.
    template = list(Person.objects.order_by("id")[: args.baseline_rows])
    started = time.perf_counter()
    for p in template:
        p.pk = None
        p.id_hash = "x" + p.id_hash[1:]  # "x" is not a hex digit: never an existing hash
        p.user_id = None  # a resident's own account belongs to one person
        p.save()
    per_row_rate = len(template) / (time.perf_counter() - started)
    people_rate = people / city.facts["people_seconds"]
    print(
        json.dumps(
            {
                "benchmark": "core_generate",
                "database": connection.vendor,
                "scale": args.scale,
                "people": people,
                "statuses": statuses,
                "people_seconds": round(city.facts["people_seconds"], 1),
                "people_per_second": round(people_rate),
                "whole_city_seconds": round(total_seconds, 1),
                "orm_save_rows_per_second": round(per_row_rate),
                "speedup_vs_orm_save": round(people_rate / per_row_rate, 1),
            }
        )
    )


def _steps():
    from carecircle.core import plugins

    found = [m for m in plugins.optional_submodules("demo") if hasattr(m, "generate")]
    return sorted(found, key=lambda m: getattr(m, "ORDER", 100))


if __name__ == "__main__":
    main()
