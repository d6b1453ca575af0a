"""Reference data of home services: the service catalogue (also loaded by migration 0002)."""

from carecircle.homecare.catalogue import catalogue_sync
from carecircle.homecare.models import ServiceCategory, ServiceItem


def ensure() -> None:
    catalogue_sync(ServiceCategory, ServiceItem)
