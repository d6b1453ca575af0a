"""The console's navigation. Each module lists its entries in `<module>/nav.py` as NAV; an entry
shows only to users who hold its permission somewhere, through a grant that reaches the page's
records: an entry that names organisation kinds shows to a provider admin or caregiver only when
they act for an organisation of one of those kinds (a home-care provider's admin holds
childcare.view by role, but has no 托育 class to see). A group with no entry is not shown."""

from dataclasses import dataclass
from typing import TypedDict

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise

from carecircle.core import plugins, scope
from carecircle.core.organisations import ORGANISATION_ROLES
from carecircle.core.roles import permissions_of
from carecircle.core.types import Actor, signed_in


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perm: str | None = None  # None: every signed-in user
    order: int = 100
    # The organisation kinds (core/organisations.OrganisationKind) whose records the page lists; a
    # user in an organisation role sees the entry only when acting for one of them. None: any.
    kinds: frozenset[str] | None = None


class NavEntry(TypedDict):
    label: str | Promise
    url: str
    name: str  # the URL name
    module: str  # the module's app label


class NavGroup(TypedDict):
    label: str | Promise
    items: list[NavEntry]
    active: bool  # the current page is one of the group's


def all_items() -> list[tuple[str, NavItem]]:
    """(module label, item) for every module's NAV, in order."""
    items: list[tuple[str, NavItem]] = []
    for module in plugins.optional_submodules("nav"):
        label = module.__name__.split(".")[1]
        items.extend((label, item) for item in getattr(module, "NAV", []))
    return sorted(items, key=lambda pair: pair[1].order)


def _organisation_grants(user: Actor) -> list[tuple[str, str]]:
    """(role, organisation kind) of each grant, for users in an organisation role: the grants the
    scope checks of the request have read already (scope.role_kinds), no query of its own."""
    if not signed_in(user) or not scope.roles_of(user) & ORGANISATION_ROLES:
        return []
    return scope.role_kinds(user)


def _reaches(item: NavItem, grants: list[tuple[str, str]]) -> bool:
    """Whether one of the grants carrying the item's permission reaches the page's records: a
    region's staff grant always does, an organisation role's grant only for the item's kinds."""
    return any(
        (item.perm is None or item.perm in permissions_of(role))
        and (role not in ORGANISATION_ROLES or kind in (item.kinds or ()))
        for role, kind in grants
    )


# The menu a set of grants sees, by (grants' (role, organisation kind) pairs, script prefix, URL
# conf): the same for every user holding them, and rebuilt for each page it was 10 % of a resident's
# home page (issue 19). The entries are the same objects for every page: read, never changed.
_MENUS: dict[tuple[frozenset[tuple[str, str]] | None, str, str], list[NavEntry]] = {}
_MENUS_MAX = 512  # distinct grant sets in a city are a few dozen; past this, start again
_URLS: dict[tuple[str, str, str], str] = {}  # page_url's answers (the names are the code's own)


def _forget_menus(*, setting: str, **_kwargs: object) -> None:
    if setting in ("INSTALLED_APPS", "ROOT_URLCONF"):
        _MENUS.clear()
        _URLS.clear()


def _site() -> tuple[str, str]:
    return get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)


def page_url(name: str) -> str:
    """The path of the page named `name` (a URL name without arguments), "" when no installed module
    serves it; worked out once per name, script prefix and URL conf (menus and tiles on every page)."""
    key = (name, *_site())
    url = _URLS.get(key)
    if url is None:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = ""
        _URLS[key] = url
    return url


setting_changed.connect(_forget_menus)


def items_for(user: Actor) -> list[NavEntry]:
    """The entries `user` sees, in order: the same for every user with the same grants."""
    key = (frozenset(scope.role_kinds(user)) if signed_in(user) else None, *_site())
    menu = _MENUS.get(key)
    if menu is None:
        if len(_MENUS) >= _MENUS_MAX:
            _MENUS.clear()
        menu = _MENUS[key] = _build_items(user)
    return menu


def _build_items(user: Actor) -> list[NavEntry]:
    out: list[NavEntry] = []
    grants = _organisation_grants(user)
    for module, item in all_items():
        if item.perm and not scope.has_perm(user, item.perm):
            continue
        if item.kinds is not None and grants and not _reaches(item, grants):
            continue
        url = page_url(item.url_name)
        if url:
            out.append({"label": item.label, "url": url, "name": item.url_name, "module": module})
    return out


def groups_for(user: Actor, path: str = "") -> list[NavGroup]:
    """The menu: one entry per module, with the module's pages beneath it (a module with one page
    is a plain link). The core's own pages (home, regions, audit, account) stand on their own."""
    groups: dict[str, NavGroup] = {}
    for item in items_for(user):
        key = item["name"] if item["module"] == "core" else item["module"]
        if key not in groups:
            label = (
                item["label"]
                if item["module"] == "core"
                else apps.get_app_config(item["module"]).verbose_name
            )
            groups[key] = {"label": label, "items": [], "active": False}
        groups[key]["items"].append(item)
    for group in groups.values():
        group["active"] = any(
            path == i["url"] or (i["url"] != "/" and path.startswith(i["url"])) for i in group["items"]
        )
    return list(groups.values())
