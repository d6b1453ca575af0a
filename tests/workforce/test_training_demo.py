"""The training and integrity demo step (workforce/demo_training.py) on a small register: courses,
sessions and attendance made through the services, integrity records with one appeal decided by a
second official; run twice, it adds nothing."""

import datetime
import random
from types import SimpleNamespace

from django.utils import timezone

from carecircle.workforce import demo_training, services
from carecircle.workforce.models import Attendance, Course, IntegrityRecord
from tests.conftest import COMMUNITY_A, id_number


def test_demo_step_makes_training_and_integrity(users):
    for k, role in enumerate(["carer", "home_caregiver", "manager", "childcare_carer", "carer", "director"]):
        services.worker_register(
            actor=users["admin"],
            organisation_id=7001,
            employer_kind="homecare_provider" if role == "home_caregiver" else "facility_operator",
            region_code=COMMUNITY_A,
            role=role,
            name=f"演示{k}",
            employed_from=datetime.date(2020, 1, 1),
            id_number=id_number(datetime.date(1985, 1, 1), k + 1),
        )
    said = []
    city = SimpleNamespace(
        today=timezone.localdate(), rng_for=lambda name: random.Random(name), say=said.append
    )
    demo_training.generate(city)
    assert Course.objects.count() == len(demo_training.COURSES)
    assert Attendance.objects.exists()
    records = list(IntegrityRecord.objects.order_by("pk"))
    assert records and records[0].status == "upheld"
    assert records[0].decided_by_id != records[0].recorded_by_id
    assert "诚信记录" in said[-1]
    before = Attendance.objects.count()
    demo_training.generate(city)
    assert Attendance.objects.count() == before
