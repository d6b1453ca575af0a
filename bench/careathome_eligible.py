"""Finding everyone eligible for a care-at-home programme across the city (issue 22, "Speed": under
10 s on the full city): home adaptation (居家适老化改造, households: careathome.homes_selectors.
eligible_households) or a family care bed (家庭养老床位, persons: careathome.beds_selectors.
eligible_persons) — the benefits programme's CEL rule compiled to SQL, one query — against the same
rule evaluated person by person in Python (benefits.selectors.entitlements_for) on a random sample,
extrapolated to the whole population, measured in the same run. The two answers are compared on the
sample.

    python bench/careathome_eligible.py [--programme adaptation|family_bed] [--scale 0.01]
                                        [--database-url postgres://…] [--sample 500] [--reuse]

--scale 1 is the full city (2.6 million older people); only the registry step of `carecircle
generate` runs. --reuse keeps the people already in the PostgreSQL database (a city an earlier
benchmark built there at the same --scale, such as careathome_ltc_settlement.py) instead of emptying it
and generating them again. Prints one line of JSON last."""

import argparse
import json
import random
import sys
import time

from _setup import django_ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sample", type=int, default=500, help="persons in the per-person Python baseline")
    parser.add_argument("--programme", choices=["adaptation", "family_bed"], default="adaptation")
    parser.add_argument("--reuse", action="store_true", help="keep the people of --database-url")
    args = parser.parse_args()
    django_ready(args.database_url, flush=not args.reuse)

    from django.db import connection

    from carecircle.benefits.selectors import entitlements_for
    from carecircle.careathome import beds_reference, beds_selectors, homes_reference, homes_selectors
    from carecircle.core import demo
    from carecircle.core.management.commands.generate import CITY_CODE, Command
    from carecircle.registry.models import Person

    steps = demo.steps
    demo.steps = lambda: [m for m in steps() if m.__name__ == "carecircle.registry.demo"]
    started = time.perf_counter()
    if args.reuse and Person.objects.exists():
        from django.utils import timezone

        day = timezone.localdate()  # the city was generated for today (today=None)
    else:
        command = Command(stdout=sys.stderr)  # its progress on stderr; the JSON line alone on stdout
        command.handle(scale=args.scale, seed=2026, fresh=False, today=None)
        day = command.city.today
    generate_seconds = time.perf_counter() - started
    if args.programme == "adaptation":
        reference = homes_reference
        homes_reference.ensure()
        find = homes_selectors.eligible_households  # one per household
    else:
        reference = beds_reference
        find = beds_selectors.eligible_persons
    reference.ensure_programme(region_code=CITY_CODE)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM (ANALYZE)")
    people = Person.objects.count()

    started = time.perf_counter()
    found = find(region_prefix="", day=day)
    sql_seconds = time.perf_counter() - started

    ids = list(Person.objects.values_list("id", flat=True))
    sample = random.Random(7).sample(ids, min(args.sample, len(ids)))
    started = time.perf_counter()
    python_eligible = set()
    for person in Person.objects.filter(pk__in=sample).iterator(chunk_size=500):
        for e in entitlements_for(person=person, day=day):
            if e.programme_code == reference.PROGRAMME_CODE:
                python_eligible.add(person.pk)
    python_seconds = time.perf_counter() - started
    python_extrapolated = python_seconds / max(len(sample), 1) * people
    # the SQL answer per person (before one per household, for adaptation) on the sample, to compare
    from carecircle.benefits.selectors import entitled_amounts

    sql_sample = set(
        entitled_amounts(
            programme_code=reference.PROGRAMME_CODE,
            persons=Person.objects.filter(pk__in=sample),
            day=day,
        )
    )
    print(
        json.dumps(
            {
                "benchmark": "careathome_eligible",
                "database": connection.vendor,
                "programme": args.programme,
                "scale": args.scale,
                "people": people,
                "generate_seconds": round(generate_seconds, 1),
                "eligible": len(found),
                "sql_seconds": round(sql_seconds, 3),
                "python_sample": len(sample),
                "python_sample_seconds": round(python_seconds, 3),
                "python_extrapolated_seconds": round(python_extrapolated, 1),
                "speedup": round(python_extrapolated / sql_seconds, 1) if sql_seconds else None,
                "sample_agrees": sql_sample == python_eligible,
                "sample_eligible": len(python_eligible),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
