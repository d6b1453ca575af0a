"""Types every module shares: who acts, and what a request carries.

The contract between modules is typed (mypy with django-stubs runs in CI, strict for core and for
each module's `types` module): a service takes an `Actor`, a view receives a `Request` (anyone) or
an `AuthedRequest` (behind a sign-in check), and a function other modules call returns frozen
dataclasses or enums from the owning module's `types.py` (e.g. `carecircle.benefits.types`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_htmx.middleware import HtmxDetails

    from carecircle.core.models import User

Viewer: TypeAlias = "User | AnonymousUser"
"""Whoever sends a request: a signed-in user, or an anonymous visitor (Django's `AnonymousUser`)."""

Actor: TypeAlias = "User | AnonymousUser | None"
"""Who performs a write, as services take it (`actor=`): a signed-in `User`; `None` is the system
itself (periodic tasks, imports, the device intake), recorded in the audit trail as "system". An
anonymous visitor may be passed where a page is public; `signed_in(actor)` tells a user apart."""


def signed_in(actor: Actor) -> TypeGuard[User]:
    """True when `actor` is a signed-in user (not the system, not an anonymous visitor); narrows
    the type to `User` for the type checker."""
    return actor is not None and bool(actor.is_authenticated)


class Request(HttpRequest):
    """What a page or API view receives: Django's request, whose `user` is the project's User
    or an anonymous visitor. Annotate a view's `request` with it (no runtime cost: Django builds
    plain `HttpRequest`s; this class only tells the type checker what `user` is)."""

    user: Viewer
    htmx: HtmxDetails  # set by django_htmx's HtmxMiddleware on every request
    request_id: str  # set by core.observability.RequestIdMiddleware on every request


GetResponse: TypeAlias = Callable[[HttpRequest], HttpResponseBase]
"""What a middleware is built with: the rest of the chain, from the request to its response."""


class AuthedRequest(HttpRequest):
    """A request behind a sign-in check (`login_required`, an API route with authentication):
    `user` is always the project's User."""

    user: User
    htmx: HtmxDetails  # set by django_htmx's HtmxMiddleware on every request
    request_id: str  # set by core.observability.RequestIdMiddleware on every request
