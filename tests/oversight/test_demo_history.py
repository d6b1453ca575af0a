"""The demo city's year of oversight (issue 20 item 9): four quarterly plans drawn and inspected on
their own dates, findings put right on time, late, sent back or still open, the overdue ones
escalated, credit collected from the records' own days, and the accounts that show each side — an
inspector with answers to decide and a unit admin with an open notice — printed with the others."""

import io
import random

import pytest
from django.utils import timezone

from carecircle.core.demo import City
from carecircle.core.models import Region, RoleGrant
from carecircle.oversight import demo
from carecircle.oversight.demo_history import quarter_start
from carecircle.oversight.models import (
    CreditEvent,
    DrawPlan,
    Escalation,
    Finding,
    FindingState,
    Inspection,
    InspectionState,
    SamplingShare,
    Unit,
    UnitKind,
)
from carecircle.oversight.selectors_escalation import own_open_findings
from tests.facilities.conftest import make_facility, operator  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db


def test_a_year_of_inspections_rectifications_and_the_accounts_that_show_them(users, make_facility):  # noqa: F811
    from carecircle.homecare.services import provider_create

    for n in range(6):
        make_facility("nursing_private" if n % 2 else "community_centre")
    provider = provider_create(
        actor=users["admin"],
        name="颐和居家服务中心",
        licence_no="52339901MJ000001",
        region_code="339901000000",
        areas=["339901000000"],
    )
    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=provider.pk
    )
    SamplingShare.objects.update(
        share=1
    )  # every unit drawn every quarter (the shares are tested in test_draw)
    today = timezone.localdate()
    out = io.StringIO()
    city = City(seed=3, scale=0.01, today=today, rng=random.Random(3), out=out)
    city.districts = [Region.objects.get(code="339901000000"), Region.objects.get(code="339902000000")]
    demo.generate(city)
    log = out.getvalue()
    assert "双随机计划 5 个" in log and "逾期上报区县" in log, log

    plans = list(DrawPlan.objects.order_by("period_start"))
    assert len(plans) == 5 and [p.state for p in plans].count("drawn") == 4
    assert plans[0].period_start == quarter_start(today, 4) and plans[-1].period_start == quarter_start(today)
    for plan in plans[:4]:
        done = Inspection.objects.filter(drawn__plan=plan, state=InspectionState.CONFIRMED)
        assert done.exists(), plan.name
        for i in done:  # on the plan's own dates, never in the future
            assert plan.period_start <= timezone.localdate(i.confirmed_at) <= min(plan.period_end, today)
    states = set(Finding.objects.values_list("state", flat=True))
    assert FindingState.CLOSED in states and FindingState.OPEN in states
    # The overdue open notices went up to the district, once each.
    overdue = Finding.objects.filter(state=FindingState.OPEN, deadline__lt=today)
    assert set(Escalation.objects.values_list("finding_id", flat=True)) == set(
        overdue.values_list("pk", flat=True)
    )
    # Credit was collected from the records' own days, not the day the demo ran.
    for event in CreditEvent.objects.filter(source_module="oversight.inspection"):
        confirmed = Inspection.objects.get(pk=event.source_id).confirmed_at
        assert event.on == timezone.localdate(confirmed)

    accounts = {username: label for label, username, _password, _where in city.accounts}
    assert "unit_admin" in accounts and "被检查单位管理员" in accounts["unit_admin"]
    from carecircle.core.models import User

    admin = User.objects.get(username="unit_admin")
    own = own_open_findings(user=admin)
    assert own.exists() and {f.unit.source_id for f in own} == {provider.pk}
    assert not own.filter(severity="hazard").exists()  # the demo provider is never left suspended
    inspector = next(u for u, label in accounts.items() if label.startswith("监管人员（"))
    assert User.objects.get(username=inspector).grants.filter(role="inspector").exists()
    assert Unit.objects.filter(kind=UnitKind.HOMECARE, source_id=provider.pk).exists()
