"""Processes for the kill tests (tests/core/test_task_kills.py): each command runs in its own
Python process against the data folder and database named by the environment (CARECIRCLE_HOME,
DATABASE_URL), so that a test can kill it with SIGKILL half-way and start another.

    python -m tests.core.task_harness setup           a small city, programmes, a payroll history
    python -m tests.core.task_harness worker          `carecircle worker`, payroll stalled once
    python -m tests.core.task_harness send-payroll    beat's message for the monthly payroll slot
    python -m tests.core.task_harness race FILE       one scheduler tick of `harness.slow` (the race)
    python -m tests.core.task_harness import FILE     `carecircle import people`, stalled after a batch
    python -m tests.core.task_harness report          what the database holds, as JSON

The stall: when HARNESS_MARKER is set and the file does not exist yet, the first payroll statement
(or the first committed import batch) writes its process id there and sleeps, so the test knows
whom to kill and that the work is under way; a later run finds the marker and does not stall.
"""

import datetime
import json
import os
import sys
import time


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecircle.core.settings")
    import django

    django.setup()


def stall_once(what: str):
    marker = os.environ.get("HARNESS_MARKER")
    if not marker or os.path.exists(marker):
        return
    with open(marker, "w") as f:
        f.write(f"{os.getpid()} {what}")
    time.sleep(600)


def setup():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction
    from django.utils import timezone

    from carecircle.benefits import defaults, engine
    from carecircle.core.models import RoleGrant, TaskRun, User
    from carecircle.core.roles import Role
    from carecircle.core.services import region_upsert
    from carecircle.core.tasks import due_for, periodic_tasks, slot_key
    from carecircle.registry.services import person_create
    from tests.conftest import REGIONS, id_number

    for code, name, lat, lng in REGIONS:
        region_upsert(actor=None, code=code, name=name, latitude=lat, longitude=lng)
    admin = User.objects.create_user(username="admin", password="Test#Passw0rd", display_name="admin")
    RoleGrant.objects.create(user=admin, role=Role.CITY_ADMIN, region_id="339900000000")
    today = timezone.localdate()
    communities = [c for c, *_ in REGIONS if not c.endswith("000")]
    for i in range(60):
        birth = datetime.date(today.year - 62 - i % 38, 1 + i % 12, 1 + i % 27)
        person_create(
            actor=admin,
            name=f"老人{i}",
            id_number=id_number(birth, i + 1),
            region_code=communities[i % len(communities)],
            phone="13800001234",
            address="测试地址1号",
        )
    with transaction.atomic():
        defaults.install(
            actor=None, region_code="339900000000", valid_from=datetime.date(today.year - 1, 1, 1)
        )
    # The monthly payroll ran last month: this month's slot is missed until a scheduler runs it.
    p = periodic_tasks()["benefits.monthly_payroll"]
    this_month = due_for(p, timezone.now())
    last = due_for(p, this_month - datetime.timedelta(days=2))
    TaskRun.objects.create(
        name=p.name, slot=slot_key(p, last), due_at=last, state=TaskRun.State.DONE, attempts=1
    )
    print(json.dumps({"month": engine.month_of(timezone.localdate(this_month))}))


def worker():
    from carecircle.benefits import payroll

    real = payroll.insert_lines

    def insert_lines(**kwargs):
        written = real(**kwargs)
        if written:
            stall_once("payroll")  # inside the programme's transaction: its lines are not committed
        return written

    payroll.insert_lines = insert_lines
    from django.core.management import call_command

    call_command("worker", *sys.argv[2:])


def send_payroll():
    from carecircle.core import tasks

    print(json.dumps({"id": tasks.run_periodic_task.apply_async(args=("benefits.monthly_payroll",)).id}))


def race(out_file: str, start_at: float):
    from carecircle.core import tasks

    @tasks.periodic(datetime.timedelta(hours=1), name="harness.slow")
    def slow():
        with open(out_file, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(1)

    time.sleep(max(0.0, start_at - time.time()))  # every racer starts at the same instant
    if os.environ.get("HARNESS_REDELIVERED"):
        ran = tasks.run_periodic("harness.slow")  # what a redelivered Celery message does
    else:
        scheduler = tasks.InProcessScheduler(only={"harness.slow"})
        scheduler.tick()
        ran = None
    print(json.dumps({"ran": ran}))


def import_file(path: str, *extra):
    from carecircle.registry import imports

    real = imports._write_batch

    def write(*args, **kwargs):
        real(*args, **kwargs)
        stall_once("import")  # after the batch committed

    imports._write_batch = write
    imports.BATCH = int(os.environ.get("HARNESS_BATCH", "50"))
    from django.core.management import call_command

    call_command("import", "people", path, "--user", "admin", *extra)


def report():
    from django.db.models import Count

    from carecircle.benefits.models import Batch, Payment
    from carecircle.core.models import TaskRun
    from carecircle.registry.models import ImportJob, Person

    runs = list(
        TaskRun.objects.filter(name="benefits.monthly_payroll")
        .order_by("slot")
        .values("slot", "state", "attempts", "error")
    )
    duplicates = (
        Payment.objects.values("programme_id", "person_id", "period", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    jobs = list(
        ImportJob.objects.order_by("pk").values(
            "pk",
            "state",
            "origin",
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "resume_row",
            "attempts",
            "error",
            "owner",
        )
    )
    for job in jobs:
        rows = [r["row"] for r in ImportJob.objects.get(pk=job["pk"]).rejections]
        job["rejection_rows"], job["distinct_rejection_rows"] = len(rows), len(set(rows))
    print(
        json.dumps(
            {
                "runs": runs,
                "batches": Batch.objects.count(),
                "lines": Payment.objects.count(),
                "periods": sorted(set(Payment.objects.values_list("period", flat=True))),
                "duplicate_lines": duplicates,
                "jobs": jobs,
                "people": Person.objects.count(),
            },
            default=str,
        )
    )


def rerun_payroll(month: str):
    from carecircle.benefits import services

    print(json.dumps({"new_batches": len(services.payroll_run(actor=None, month=month))}))


if __name__ == "__main__":
    django_setup()
    command = sys.argv[1]
    if command == "setup":
        setup()
    elif command == "worker":
        worker()
    elif command == "send-payroll":
        send_payroll()
    elif command == "race":
        race(sys.argv[2], float(sys.argv[3]))
    elif command == "import":
        import_file(sys.argv[2], *sys.argv[3:])
    elif command == "report":
        report()
    elif command == "rerun-payroll":
        rerun_payroll(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {command}")
