"""Writes of the residents' side, the names other modules and the portal's pages call."""

from carecircle.portal.services_accounts import profile_set_elder_mode

__all__ = ["profile_set_elder_mode"]
