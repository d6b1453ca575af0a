"""Reference data of home services: the service catalogue (also loaded by migration 0002)."""


def ensure() -> None:
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import ServiceCategory, ServiceItem

    catalogue_sync(ServiceCategory, ServiceItem)
