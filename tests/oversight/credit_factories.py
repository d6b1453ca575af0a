"""Credit records for tests and the scope walk: a home-care unit of a real provider with its own
admin, events made directly, a correction request."""

import datetime
import itertools
from decimal import Decimal

from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.oversight.models import CreditCorrection, CreditEvent, Unit, UnitKind
from tests.conftest import COMMUNITY_A, make_user

_serial = itertools.count(1)


def provider_unit(users, region_code=COMMUNITY_A):
    """A unit for a real home-care provider, and a provider admin of it."""
    from carecircle.homecare.services import provider_create

    n = next(_serial)
    provider = provider_create(
        actor=users["admin"],
        name=f"信用测试机构{n}",
        licence_no=f"CRD{n:06d}",
        region_code=region_code[:9] + "000",
        areas=[region_code[:9] + "000"],
    )
    unit, _made = Unit.objects.get_or_create(
        kind=UnitKind.HOMECARE,
        source_id=provider.pk,
        defaults={"name": provider.name, "region_code": region_code, "credit_grade": "A"},
    )
    admin = make_user(f"credit_admin{n}", Role.PROVIDER_ADMIN, region_code[:6] + "000000")
    RoleGrant.objects.filter(user=admin).update(
        organisation_kind="homecare_provider", organisation_id=provider.pk
    )
    return unit, admin


def event(unit, kind="complaint", points="-5", on=None, source_id=None):
    return CreditEvent.objects.create(
        unit=unit,
        region_code=unit.region_code,
        kind=kind,
        on=on or datetime.date(2026, 3, 1),
        points=Decimal(points),
        source_module="test",
        source_id=source_id or next(_serial) + 900000,
        text="测试记录",
    )


def make_credit_event_in_region_a(ctx):
    from tests.oversight.factories import make_unit

    return event(make_unit(COMMUNITY_A)).pk


def make_correction_in_region_a(ctx):
    from tests.oversight.factories import make_unit

    e = event(make_unit(COMMUNITY_A))
    return CreditCorrection.objects.create(
        event=e,
        unit=e.unit,
        region_code=e.region_code,
        action="remove",
        reason="走查：申请撤销",
        requested_by=ctx.users["provider"],
    ).pk
