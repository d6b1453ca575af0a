"""Writes of the residents' side, the names other modules and the portal's pages call."""

from carecircle.portal.accounts import code_request
from carecircle.portal.services_accounts import (
    account_for_phone,
    code_sign_in,
    link_confirm,
    link_decline,
    link_end,
    link_record,
    link_request,
    link_verify,
    profile_set_elder_mode,
    resident_account_create,
)
from carecircle.portal.services_messages import (
    message_mark_read,
    message_send,
    messages_mark_all_read,
    messages_queue_bulk,
    preferences_set,
)

__all__ = [
    "profile_set_elder_mode",
    "account_for_phone",
    "code_request",
    "code_sign_in",
    "link_confirm",
    "link_decline",
    "link_end",
    "link_record",
    "link_request",
    "link_verify",
    "resident_account_create",
    "message_send",
    "messages_queue_bulk",
    "message_mark_read",
    "messages_mark_all_read",
    "preferences_set",
]
