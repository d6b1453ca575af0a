"""Writes for home services: catalogue and providers, quotes and orders, cancel and reschedule,
care plans. Dispatch is in services_dispatch.py, visit verification in evv.py, ratings,
complaints and statements in settlement.py.

Callers import from here (`carecircle.homecare.services`), never from the parts: providers.py
(providers, their areas and prices), quotes.py (an order's price and who pays it), orders.py
(placing, cancelling and rescheduling orders)."""

from carecircle.homecare.services.orders import _user as _user  # services_dispatch records the acting user
from carecircle.homecare.services.orders import (
    channel_for,
    item_get,
    order_cancel,
    order_create,
    order_reschedule,
    person_for_order,
    provider_for_order,
)
from carecircle.homecare.services.providers import price_set, provider_create, require_provider_admin
from carecircle.homecare.services.quotes import CENT, money, quote

__all__ = [
    "CENT",
    "channel_for",
    "item_get",
    "money",
    "order_cancel",
    "order_create",
    "order_reschedule",
    "person_for_order",
    "price_set",
    "provider_create",
    "provider_for_order",
    "quote",
    "require_provider_admin",
]
