"""A notice to a user (staff or resident) from any module without importing the portal, which
owns the messages: the portal answers through its optional `notice_channel.py` (core/plugins.py),
the pattern of core/suspension.py. Workforce's certificate warnings need it: the portal reads home
care, which reads workforce, so workforce cannot import the portal back. A deployment without the
portal delivers nothing and says so (False)."""

from carecircle.core import plugins
from carecircle.core.models import User


def notice(*, key: str, recipient: User, region_code: str, title: str, body: str) -> bool:
    """Queue one notice, once per `key` (a repeated key queues nothing new). True when a module
    took it."""
    for module in plugins.optional_submodules("notice_channel"):
        module.notice(key=key, recipient=recipient, region_code=region_code, title=title, body=body)
        return True
    return False
