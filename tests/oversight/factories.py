"""Oversight records for tests: units in a community, inspectors over a district, a published plan."""

import datetime
import itertools

from carecircle.core.roles import Role
from carecircle.oversight import services
from carecircle.oversight.models import Unit, UnitKind
from tests.conftest import COMMUNITY_A, make_user

_serial = itertools.count(1)


def make_unit(region_code=COMMUNITY_A, grade="D", name=None, kind=UnitKind.FACILITY, last=None):
    n = next(_serial)
    return Unit.objects.create(
        kind=kind,
        source_id=100000 + n,
        name=name or f"测试养老院{n}",
        region_code=region_code,
        credit_grade=grade,
        last_inspected_on=last,
    )


def make_inspectors(count, region_code="339901000000", prefix="insp"):
    start = next(_serial)
    made = [make_user(f"{prefix}{start}_{i}", Role.INSPECTOR, region_code) for i in range(count)]
    for i, user in enumerate(made):
        user.display_name = f"检查员{start}-{i}"
        user.save(update_fields=["display_name"])
    return made


def publish(actor, region_code="339901000000", **kw):
    return services.plan_publish(
        actor=actor,
        name=kw.pop("name", "2026年第二季度双随机抽查"),
        region_code=region_code,
        period_start=kw.pop("period_start", datetime.date(2026, 4, 1)),
        period_end=kw.pop("period_end", datetime.date(2026, 6, 30)),
        **kw,
    )


def make_drawn_inspection(ctx):
    """A unit of a real home-care provider in region A, drawn with the walk's inspector and one
    more (every other inspector has declared a conflict with it, so the draw can only pick those two)."""
    from carecircle.core.models import User
    from carecircle.homecare.services import provider_create
    from carecircle.oversight.models import Inspection

    n = next(_serial)
    provider = provider_create(
        actor=ctx.users["admin"],
        name=f"监管走查机构{n}",
        licence_no=f"OVS{n:06d}",
        region_code="339901000000",
        areas=["339901000000"],
    )
    unit = make_unit(COMMUNITY_A, grade="D", kind=UnitKind.HOMECARE, name=provider.name)
    Unit.objects.filter(pk=unit.pk).update(source_id=provider.pk)
    # the walk calls this many times: earlier units leave the register so that this draw is of this one
    Unit.objects.exclude(pk=unit.pk).update(active=False)
    partner = make_inspectors(1, region_code=COMMUNITY_A)[0]
    keep = {ctx.users["inspector"].pk, partner.pk}
    for other in User.objects.filter(grants__role=Role.INSPECTOR).exclude(pk__in=keep).distinct():
        services.conflict_declare(actor=other, unit=unit, reason="走查：回避")
    plan = publish(ctx.users["admin"], region_code="339901001000", name=f"走查计划{n}")
    services.plan_draw(actor=ctx.users["admin"], plan=plan)
    return Inspection.objects.get(unit=unit), partner


def make_finding(ctx, answered=False):
    """A confirmed inspection with one failed item (with a photo): its finding, open or answered."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from carecircle.oversight.models import Finding
    from carecircle.oversight.services_inspections import applicable_items

    def photo():
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, "PNG")
        return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")

    inspection, partner = make_drawn_inspection(ctx)
    me = ctx.users["inspector"]
    services.inspection_check_in(actor=me, inspection=inspection, latitude=30.29, longitude=120.12)
    for i, item in enumerate(applicable_items(inspection.unit)):
        outcome = "fail" if i == 0 else "pass"
        services.inspection_record(
            actor=me,
            inspection=inspection,
            item_id=item.pk,
            outcome=outcome,
            note="走查",
            photo=photo() if i == 0 else None,
        )
    services.inspection_submit(actor=me, inspection=inspection)
    services.inspection_confirm(actor=partner, inspection=inspection)
    finding = Finding.objects.get(inspection=inspection)
    if answered:
        from carecircle.core.models import RoleGrant

        admin = make_user(f"ovs_admin{next(_serial)}", Role.PROVIDER_ADMIN, "339901000000")
        admin.display_name = "机构负责人"
        admin.save(update_fields=["display_name"])
        RoleGrant.objects.filter(user=admin).update(
            organisation_kind="homecare_provider", organisation_id=inspection.unit.source_id
        )
        services.finding_answer(actor=admin, finding=finding, text="已整改", evidence_photo=photo())
    return finding


def hazard_finding(kind, source_id, region_code=COMMUNITY_A):
    """An open major-hazard finding on the unit of (`kind`, `source_id`), made directly: the loop that
    raises one is tested in test_inspections.py; here only its effect matters."""
    from django.utils import timezone

    from carecircle.oversight.models import DrawnUnit, DrawPlan, Finding, Inspection, InspectionItem, Severity

    unit, _created = Unit.objects.get_or_create(
        kind=kind, source_id=source_id, defaults={"name": f"单位{source_id}", "region_code": region_code}
    )
    now, today = timezone.now(), timezone.localdate()  # the app's (Beijing) day, not the host's
    plan = DrawPlan.objects.create(
        name="专项检查",
        region_code=region_code,
        period_start=today,
        period_end=today,
        seed="x",
        inputs={},
        inputs_digest="x",
        published_at=now,
    )
    drawn = DrawnUnit.objects.create(plan=plan, unit=unit, region_code=region_code, reason="never", ticket=0)
    inspection = Inspection.objects.create(drawn=drawn, unit=unit, region_code=region_code, state="confirmed")
    item = InspectionItem.objects.filter(major_hazard=True).first()
    return Finding.objects.create(
        inspection=inspection,
        item=item,
        unit=unit,
        region_code=region_code,
        severity=Severity.HAZARD,
        text="安全出口被锁闭",
        deadline=today,
        issued_at=now,
    )
