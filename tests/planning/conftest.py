import datetime

import pytest
from django.utils import timezone

from carecircle.planning.computations import module_selectors


def today() -> datetime.date:
    """The app's date (Beijing) on the test's clock: read while the test runs, never at import (the
    frozen clock starts with each test, after the modules are imported), never the host's date."""
    return timezone.localdate()


def needs(module: str):
    if module_selectors(module) is None:
        pytest.skip(f"the {module} module is not installed yet: its indicators have no data to check")


@pytest.fixture
def defaults(db):
    from carecircle.planning.services import indicators_load_defaults

    indicators_load_defaults()


@pytest.fixture
def facility(city):
    """make(kind, region_code, **capacity) -> a facility in operation since 2025-01-01 (facilities module)."""
    needs("facilities")
    from carecircle.facilities.models import Facility, FilingStatus, Operator

    op = Operator.objects.create(
        name="测试运营", credit_code="91330100MA2TEST001", region_code="339901001001"
    )
    region_ll = {c: (r.latitude, r.longitude) for c, r in city.items()}

    def make(
        kind,
        region_code,
        status=FilingStatus.FILED,
        filed_on=datetime.date(2025, 1, 1),
        lat=None,
        lon=None,
        **kw,
    ):
        la, lo = region_ll[region_code]
        return Facility.objects.create(
            kind=kind,
            name=f"{kind}-{region_code[-3:]}",
            operator=op,
            address="测试路1号",
            region_code=region_code,
            latitude=lat if lat is not None else la,
            longitude=lon if lon is not None else lo,
            status=status,
            filed_on=filed_on if status == FilingStatus.FILED else None,
            **kw,
        )

    return make
