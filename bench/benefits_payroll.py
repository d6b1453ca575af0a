"""The whole monthly payroll of the synthetic city (every default programme, set-based: the CEL
rules compiled to SQL, one INSERT … SELECT per programme), against the naive way measured in the
same run: evaluate each person one by one (facts, rules, tiers) and save() each payment row, on a
random sample, extrapolated to the whole population.

    python bench/benefits_payroll.py [--scale 0.01] [--database-url postgres://…] [--sample 1000]

--scale 1 is the full city (2.6 million older people). The people are generated first (registry
step of `carecircle generate` only). Prints one line of JSON."""

import argparse
import io
import json
import random
import time

from _setup import django_ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sample", type=int, default=1000, help="persons in the naive per-person baseline")
    args = parser.parse_args()
    django_ready(args.database_url)

    from django.db import connection, transaction

    from carecircle.benefits import defaults, engine, services
    from carecircle.benefits.models import Batch, Fund, Payment, Programme
    from carecircle.core import demo
    from carecircle.core.management.commands.generate import CITY_CODE, Command
    from carecircle.registry.models import Person

    steps = demo.steps
    demo.steps = lambda: [m for m in steps() if m.__name__ == "carecircle.registry.demo"]
    command = Command(stdout=io.StringIO())
    started = time.perf_counter()
    command.handle(scale=args.scale, seed=2026, fresh=False, today=None)
    generate_seconds = time.perf_counter() - started
    today = command.city.today
    month = engine.month_of(today)

    with transaction.atomic():
        defaults.install(actor=None, region_code=CITY_CODE)
        for fund in Fund.objects.all():
            services.fund_appropriate(actor=None, fund=fund, amount="100000000000", key=f"bench:{fund.pk}")
    people = Person.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")

    started = time.perf_counter()
    batches = services.payroll_run(actor=None, month=month)
    run_seconds = time.perf_counter() - started
    lines = Payment.objects.count()

    started = time.perf_counter()
    again = services.payroll_run(actor=None, month=month)
    rerun_seconds = time.perf_counter() - started

    # Naive baseline: one person at a time, facts and rules evaluated in Python, one save() per payment.
    ids = list(Person.objects.values_list("id", flat=True))
    sample = random.Random(7).sample(ids, min(args.sample, len(ids)))
    programmes = list(Programme.objects.prefetch_related("tiers"))
    day = engine.month_start(month)
    started = time.perf_counter()
    written = 0
    with transaction.atomic():
        batch = Batch.objects.create(programme=programmes[0], month=month, region_code=CITY_CODE)
        for pid in sample:
            person = Person.objects.prefetch_related("statuses").get(pk=pid)
            for p in programmes:
                e = engine.evaluate_person(p, person, day)
                if e["eligible"]:
                    Payment(batch=batch, programme=p, person=person, period=e["period_key"] + "~",
                            kind="arrears", amount=e["amount"], region_code=person.region_code).save()
                    written += 1
        transaction.set_rollback(True)
    naive_seconds = time.perf_counter() - started
    naive_extrapolated = naive_seconds / len(sample) * people
    print(json.dumps({
        "benchmark": "benefits_payroll",
        "database": connection.vendor,
        "scale": args.scale,
        "people": people,
        "generate_seconds": round(generate_seconds, 1),
        "batches": len(batches),
        "payment_lines": lines,
        "payroll_seconds": round(run_seconds, 2),
        "lines_per_second": round(lines / run_seconds) if run_seconds else None,
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun_batches": len(again),
        "naive_sample": len(sample),
        "naive_sample_lines": written,
        "naive_sample_seconds": round(naive_seconds, 2),
        "naive_extrapolated_seconds": round(naive_extrapolated, 1),
        "speedup_vs_naive": round(naive_extrapolated / run_seconds, 1) if run_seconds else None,
    }))


if __name__ == "__main__":
    main()
