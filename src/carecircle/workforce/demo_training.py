"""Training and integrity in the synthetic city (issue 21, items 3–4): courses for carers, childcare
staff and managers, this year's and last year's sessions with attendance (some failed), and a few
integrity records — one appealed and decided by a second official. Called from workforce/demo.py
after the register's staff exist."""

import datetime

from carecircle.core import scope
from carecircle.core.models import RoleGrant, User
from carecircle.core.roles import Role
from carecircle.workforce import integrity, training
from carecircle.workforce.models import Caregiver, Course

COURSES = [
    ("失能老人照护实务", "市养老服务指导中心", "16", "care_skills", ["carer", "home_caregiver", "nurse"]),
    ("消防安全与应急处置", "市消防救援支队培训中心", "4", "safety", ["carer", "home_caregiver", "manager"]),
    ("婴幼儿回应性照护", "市妇幼保健院", "12", "childcare", ["childcare_carer", "infant_carer", "director"]),
    ("养老托育机构负责人年度轮训", "市民政局", "24", "management", ["manager", "director"]),
]


def generate(city) -> None:
    admin = User.objects.filter(username="admin").first()
    workers = list(Caregiver.objects.filter(employed_to__isnull=True).order_by("pk"))
    if admin is None or not workers or Course.objects.exists():
        return
    rng = city.rng_for("workforce-training")
    today = city.today
    region = workers[0].region_code[:4] + "00000000"
    days = [today - datetime.timedelta(days=d) for d in (20, 90)] + [today.replace(year=today.year - 1)]
    attended = 0
    for title, provider, hours, topic, roles in COURSES:
        course = training.course_create(
            actor=admin,
            title=title,
            provider=provider,
            hours=hours,
            topic=topic,
            roles=roles,
            region_code=region,
        )
        for k, day in enumerate(days):
            session = training.session_create(actor=admin, course=course, day=day, place=f"第{k + 1}培训室")
            for w in workers:
                fits = w.role in roles and w.employed_from <= day
                if fits and rng.random() < 0.4:
                    training.attendance_record(
                        actor=admin, session=session, worker=w, passed=rng.random() < 0.9
                    )
                    attended += 1
    recorded = _integrity(admin, [w for w in workers if w.id_index], today)
    city.say(f"培训课程 {len(COURSES)} 门，参训 {attended} 人次，诚信记录 {recorded} 条")


def _integrity(admin: User, workers: list[Caregiver], today: datetime.date) -> int:
    facts = [
        ("complaint", "complaint", "投诉单 2026-0412", "服务中多次言语粗暴，家属投诉经核实属实"),
        ("dismissal", "employer", "解除通知 2026-07", "擅自离岗导致老人跌倒，用人单位依规解除劳动合同"),
        ("abuse", "inspection", "民政检查记录 2026-031", "夜间推搡失能老人，经调查属实"),
    ]
    made = []
    for w, (kind, source, ref, summary) in zip(workers[:: max(1, len(workers) // 3)], facts, strict=False):
        made.append(
            integrity.integrity_record(
                actor=admin,
                worker=w,
                kind=kind,
                source=source,
                source_ref=ref,
                occurred_on=today - datetime.timedelta(days=60),
                summary=summary,
            )
        )
    if not made:
        return 0
    first = made[0]
    staff = User.objects.filter(
        pk__in=RoleGrant.objects.filter(role__in=[Role.CITY_ADMIN, Role.DISTRICT_OFFICIAL]).values("user_id")
    ).exclude(pk=admin.pk)
    second = next((u for u in staff if scope.has_perm(u, "workforce.manage", first.region_code)), None)
    if second is not None:  # the appeal is decided by an official other than the recorder
        integrity.integrity_appeal(actor=admin, record=first, reason="本人称当日未当班，提交排班表")
        integrity.integrity_decide(
            actor=second, record=first, upheld=True, decision="排班表显示当日在岗，维持原记录"
        )
    return len(made)
