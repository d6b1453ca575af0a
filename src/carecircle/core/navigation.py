"""The console's navigation. Each module lists its entries in `<module>/nav.py` as NAV; an entry
shows only to users who hold its permission somewhere."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from carecircle.core import plugins, scope


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perm: str | None = None  # None: every signed-in user
    order: int = 100


def all_items() -> list[NavItem]:
    items = []
    for module in plugins.optional_submodules("nav"):
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda i: i.order)


def items_for(user) -> list[dict]:
    out = []
    for item in all_items():
        if item.perm and not scope.has_perm(user, item.perm):
            continue
        try:
            out.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
        except NoReverseMatch:
            continue
    return out
