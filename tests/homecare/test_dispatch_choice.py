"""The dispatch board refuses a provider or day that is not one (422 naming the field and the value)
instead of running for the first provider or for today; a provider the user does not run is 404."""

import pytest

from carecircle.homecare.models import Order
from tests.homecare.conftest import tomorrow_at


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"day": "2024-02-30"}, "日期有误：2024-02-30"),
        ({"day": "abc"}, "日期有误：abc"),
        ({"provider": "abc"}, "服务机构有误：abc"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_choice_is_refused_naming_the_field(world, client_for, data, named, method):
    admin = client_for(world["admin_p"])
    response = getattr(admin, method)("/homecare/dispatch/", {"provider": world["provider"].pk, **data})
    assert response.status_code == 422 and named in response.content.decode()


def test_a_provider_of_someone_else_is_not_found_and_nothing_is_dispatched(
    world, no_entitlements, client_for
):
    from carecircle.homecare import services

    order = services.order_create(
        actor=world["son"],
        person=world["mother"],
        item=world["bath"],
        provider=world["provider"],
        window_start=tomorrow_at(9),
        idempotency_key="d1",
    )
    admin = client_for(world["admin_p"])
    day = order.window_start.date().isoformat()
    r = admin.post("/homecare/dispatch/", {"provider": world["provider"].pk + 999, "day": day})
    assert r.status_code == 404
    assert Order.objects.get(pk=order.pk).caregiver_id is None
    r = admin.post("/homecare/dispatch/", {"provider": world["provider"].pk, "day": day})
    assert r.status_code == 200 and "已派 1 单" in r.content.decode()  # the insider's own provider
