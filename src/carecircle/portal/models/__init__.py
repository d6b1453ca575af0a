"""Residents' side: their accounts and links to the people they act for, and the messages sent
to residents, families and staff: one file per aggregate; import them from here."""

from carecircle.portal.models.accounts import ResidentProfile, SignInCode
from carecircle.portal.models.messages import Delivery, Message, MessagePreference

__all__ = ["ResidentProfile", "SignInCode", "Delivery", "Message", "MessagePreference"]
