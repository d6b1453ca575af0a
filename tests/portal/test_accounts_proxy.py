"""A proxy's action is recorded as done by the proxy for the person (audit detail `on_behalf_of`),
and only an active, consented link lets a family member act: a pending or ended one does not."""

import datetime

import pytest
from django.utils import timezone

from carecircle.core.errors import DomainError
from carecircle.core.models import AuditEvent
from carecircle.homecare import services as homecare
from carecircle.portal import services
from carecircle.registry.models import FamilyContact, LinkState
from tests.homecare.conftest import world  # noqa: F401 — the home-service world, as a fixture

pytestmark = pytest.mark.django_db


def _order(w, actor, key):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1, hours=2)
    return homecare.order_create(
        actor=actor,
        person=w["mother"],
        item=w["bath"],
        provider=w["provider"],
        window_start=start,
        idempotency_key=key,
    )


def test_an_order_by_a_linked_son_names_the_mother_it_was_for(world):  # noqa: F811
    w = world
    order = _order(w, w["son"], "proxy-1")
    event = AuditEvent.objects.get(action="order.create", object_id=str(order.pk))
    assert event.user == w["son"] and event.detail["on_behalf_of"] == w["mother"].pk
    homecare.order_cancel(actor=w["son"], order=order, reason="老人临时住院")
    cancel = AuditEvent.objects.get(action="order.cancel", object_id=str(order.pk))
    assert cancel.detail["on_behalf_of"] == w["mother"].pk
    own = _order(w, w["mother_user"], "proxy-2")
    assert "on_behalf_of" not in AuditEvent.objects.get(action="order.create", object_id=str(own.pk)).detail


def test_a_pending_or_ended_link_lets_nobody_act(world):  # noqa: F811
    w = world
    link = FamilyContact.objects.get(person=w["mother"], user=w["son"])
    FamilyContact.objects.filter(pk=link.pk).update(link_state=LinkState.PENDING)
    with pytest.raises(DomainError):
        _order(w, w["son"], "proxy-3")
    FamilyContact.objects.filter(pk=link.pk).update(link_state=LinkState.ACTIVE)
    services.link_end(actor=w["mother_user"], link=link)
    with pytest.raises(DomainError):
        _order(w, w["son"], "proxy-4")
