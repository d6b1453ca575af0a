"""The portal's answer to core.notify: a notice goes to the recipient's inbox (and by SMS where
their choices and the gateway allow), once per key, through the outbox."""

from carecircle.core.models import User
from carecircle.portal.services import message_send
from carecircle.portal.types import MessageKind


def notice(*, key: str, recipient: User, region_code: str, title: str, body: str) -> None:
    message_send(
        key=key, kind=MessageKind.NOTICE, recipient=recipient, region_code=region_code, title=title, body=body
    )
