"""Care at home's staff lists for the list component's background exports (core/lists.py loads
this file); each part declares its own in its file and adds a line here."""

from carecircle.careathome.beds_list_specs import BEDS
from carecircle.careathome.homes_list_specs import CASES, RENTALS, UNITS
from carecircle.careathome.ltc_list_specs import LTC_ASSESSMENTS

__all__ = ["BEDS", "CASES", "LTC_ASSESSMENTS", "RENTALS", "UNITS"]
