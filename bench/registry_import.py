"""Import throughput: people per second through the bulk import (validation, encryption, blind
index, batched writes) against the same rows registered one by one through the service.

    python bench/registry_import.py [--rows 10000] [--database-url postgres://…]

Prints one line of JSON. Full scale is --rows 100000 (the issue's figure)."""

import argparse
import csv
import datetime
import json
import random
import time

from _setup import django_ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--baseline-rows", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    home = django_ready(args.database_url)

    from django.db import connection

    from carecircle.core.models import Region, RoleGrant, User
    from carecircle.core.services import region_upsert
    from carecircle.registry.identity import with_check_digit
    from carecircle.registry.imports import import_run
    from carecircle.registry.models import ImportJob, Person
    from carecircle.registry.services import person_create

    for code, name in [
        ("330000000000", "浙江省"),
        ("339900000000", "示范市"),
        ("339901000000", "东湖区"),
        ("339901001000", "文新街道"),
    ]:
        region_upsert(actor=None, code=code, name=name)
    communities = [f"339901001{i:03d}" for i in range(1, 21)]
    for code in communities:
        region_upsert(actor=None, code=code, name=f"社区{code[-3:]}", latitude=30.29, longitude=120.12)
    user = User.objects.create_user(username="bench", password="x")
    RoleGrant.objects.create(user=user, role="city_admin", region=Region.objects.get(code="339900000000"))

    rng = random.Random(1)
    seen = set()

    def person_rows(n):
        rows = []
        while len(rows) < n:
            birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 35))
            number = with_check_digit(f"330106{birth:%Y%m%d}{rng.randrange(1000):03d}")
            if number in seen:
                continue
            seen.add(number)
            rows.append(
                [
                    f"测试{len(seen)}",
                    number,
                    rng.choice(communities),
                    f"138{rng.randrange(10**8):08d}",
                    f"桂花苑{rng.randrange(1, 40)}幢{rng.randrange(101, 2505)}室",
                    "120.12",
                    "30.29",
                    rng.choice(["", "", "独居", "低保", "空巢"]),
                    "2026-01-01",
                    "基准测试",
                ]
            )
        return rows

    path = home / "people.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "姓名",
                "身份证号",
                "社区代码",
                "联系电话",
                "居住地址",
                "经度",
                "纬度",
                "状况",
                "状况起始日期",
                "信息来源",
            ]
        )
        writer.writerows(person_rows(args.rows))

    job = ImportJob.objects.create(file_name=path.name, stored_path=str(path), created_by=user)
    started = time.perf_counter()
    job = import_run(job, user)
    bulk_seconds = time.perf_counter() - started
    assert job.created_count == args.rows, (job.created_count, job.rejections[:3])

    started = time.perf_counter()
    again = import_run(
        ImportJob.objects.create(file_name=path.name, stored_path=str(path), created_by=user), user
    )
    reimport_seconds = time.perf_counter() - started
    assert again.created_count == 0 and again.unchanged_count == args.rows

    baseline = person_rows(args.baseline_rows)
    started = time.perf_counter()
    for name, number, community, phone, address, *_rest in baseline:
        person_create(
            actor=user, name=name, id_number=number, region_code=community, phone=phone, address=address
        )
    one_by_one_seconds = time.perf_counter() - started
    assert Person.objects.count() == args.rows + args.baseline_rows

    bulk_rate = args.rows / bulk_seconds
    baseline_rate = args.baseline_rows / one_by_one_seconds
    print(
        json.dumps(
            {
                "benchmark": "registry_import",
                "database": connection.vendor,
                "rows": args.rows,
                "import_seconds": round(bulk_seconds, 2),
                "rows_per_second": round(bulk_rate),
                "reimport_seconds": round(reimport_seconds, 2),
                "reimport_rows_per_second": round(args.rows / reimport_seconds),
                "one_by_one_rows_per_second": round(baseline_rate),
                "speedup_vs_one_by_one": round(bulk_rate / baseline_rate, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
