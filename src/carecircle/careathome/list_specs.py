"""Care at home's staff lists for the list component's background exports (core/lists.py loads
this file); each part declares its own in its file and adds a line here."""

from carecircle.careathome.ltc_list_specs import LTC_ASSESSMENTS

__all__ = ["LTC_ASSESSMENTS"]
