"""A major hazard found by oversight (issue #20 item 4) stops new orders and dispatch to the
provider until the rectification is accepted; then both work again."""

import pytest

from carecircle.core.errors import Conflict
from carecircle.homecare import selectors, services, services_dispatch
from carecircle.oversight.models import FindingState
from tests.homecare.conftest import tomorrow_at
from tests.oversight.factories import hazard_finding

pytestmark = pytest.mark.django_db


def test_a_major_hazard_blocks_a_new_order_and_lifting_it_unblocks(world):
    w = world
    finding = hazard_finding("homecare", w["provider"].pk)
    day = tomorrow_at(9).date()
    assert w["provider"] not in [
        p for p, _price in selectors.providers_for(w["mother"].region_code, w["bath"], day)
    ]
    with pytest.raises(Conflict) as refused:
        services.order_create(
            actor=w["son"],
            person=w["mother"],
            item=w["bath"],
            provider=w["provider"],
            window_start=tomorrow_at(9),
            idempotency_key="hazard-1",
        )
    assert "重大隐患" in str(refused.value.message)
    finding.state = FindingState.CLOSED
    finding.save()
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=tomorrow_at(9),
        idempotency_key="hazard-2",
    )
    assert order.pk and w["provider"] in [
        p for p, _ in selectors.providers_for(w["mother"].region_code, w["bath"], day)
    ]


def test_dispatch_skips_a_suspended_providers_orders(world):
    w = world
    order = services.order_create(
        actor=w["son"],
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=tomorrow_at(10),
        idempotency_key="hazard-3",
    )
    hazard_finding("homecare", w["provider"].pk)
    counts = services_dispatch.dispatch_day(actor=None, day=order.window_start.date())
    order.refresh_from_db()
    assert counts["offered"] == 0 and order.caregiver_id is None
