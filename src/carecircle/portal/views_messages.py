"""The message pages: a signed-in user's inbox (read state, mark read), their choice of what they
receive, and the staff list of deliveries that failed. One view per action; writes in
portal/services_messages.py; a message of someone else's inbox is "not found" (the service)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages
from carecircle.core.forms import ServiceForm, render_invalid
from carecircle.core.types import AuthedRequest
from carecircle.portal import list_specs, selectors_messages, services
from carecircle.portal.forms_messages import MessageChoicesForm

PAGE_SIZE = 20


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """消息: the user's messages, newest first, unread ones marked in words (not by colour alone)."""
    page = Paginator(selectors_messages.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/messages.html",
        {"page": page, "unread": selectors_messages.unread_count(request.user)},
    )


@login_required
@require_POST
def message_read(request: AuthedRequest, message_id: int) -> HttpResponse:
    """Mark one message read (the button beside an unread one)."""
    form = ServiceForm(request.POST)
    form.submit(partial(services.message_mark_read, actor=request.user, message_id=message_id))
    return redirect(f"{_inbox_url()}#m{message_id}")


@login_required
@require_POST
def messages_read_all(request: AuthedRequest) -> HttpResponse:
    form = ServiceForm(request.POST)
    if form.submit(partial(services.messages_mark_all_read, actor=request.user)):
        messages.success(request, _("已全部标为已读"))
    return redirect(_inbox_url())


@login_required
def message_settings(request: AuthedRequest) -> HttpResponse:
    """消息设置: which kinds the user receives, and which also by SMS (a sign-in code and the
    outcome of one's own alarm always)."""
    choices = selectors_messages.message_choices(request.user)
    form = MessageChoicesForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST":
        if form.submit(partial(services.preferences_set, actor=request.user)):
            messages.success(request, _("消息设置已保存"))
            return redirect("portal:message_settings")
        return render_invalid(request, "portal/messages_settings.html", {"form": form})
    return render(request, "portal/messages_settings.html", {"form": form})


@login_required
def delivery_failures(request: AuthedRequest) -> HttpResponse:
    """The staff list of message deliveries that failed, in the user's regions (GET); POST exports."""
    return list_pages.page(request, list_specs.DELIVERY_FAILURES)


def _inbox_url() -> str:
    return reverse("portal:messages")
