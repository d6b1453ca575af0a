"""Care at home's reference data (core/plugins.py `reference`): the national home-adaptation item
list with its prices and the assistive-device types (homes_reference.py). The LTC standard's
table is not here: a city enters it from its official copy (ltc_reference.py)."""

from carecircle.careathome import homes_reference


def ensure() -> None:
    homes_reference.ensure()
