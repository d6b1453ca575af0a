"""Call quality audit pages (issue 18, item 6): the audits (list component: a supervisor's regions,
an operator their own), the month's draw, one audit's page with the checklist, and its review."""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.alarms import call_audit, forms_care, list_specs_care, services
from carecircle.alarms.models import CallAudit
from carecircle.core import list_pages, scope
from carecircle.core.forms import INVALID_STATUS
from carecircle.core.types import AuthedRequest


def _last_month() -> str:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")


@login_required
def call_audits(request: AuthedRequest) -> HttpResponse:
    """The sampled calls and their reviews (GET; POST exports), with the draw for a supervisor."""
    return list_pages.page(
        request,
        list_specs_care.CALL_AUDITS,
        template="alarms/call_audits.html",
        context={
            "may_draw": scope.has_perm(request.user, "alarms.supervise"),
            "draw_form": forms_care.CallAuditDrawForm(initial={"month": _last_month()}),
        },
    )


@login_required
@require_POST
def call_audit_draw(request: AuthedRequest) -> HttpResponse:
    """Draw a month's sample (once: the month's draw, if any, stands)."""
    form = forms_care.CallAuditDrawForm(request.POST)
    if not form.submit(partial(services.call_audit_draw, actor=request.user, request=request)):
        context, _query = list_pages.listing(list_specs_care.CALL_AUDITS, request)
        context.update({"may_draw": True, "draw_form": form})
        return render(request, "alarms/call_audits.html", context, status=INVALID_STATUS)
    draw, created = form.result
    month = draw.month.strftime("%Y-%m")
    if created:
        messages.success(
            request,
            _("已抽取%(m)s的通话质检样本：%(n)s起") % {"m": month, "n": draw.audits.count()},
        )
    else:
        messages.info(request, _("%(m)s的样本已于此前抽取，沿用原样本") % {"m": month})
    return redirect(f"{reverse('alarms:call_audits')}?month={month}")


def _audit_page(
    request: AuthedRequest,
    audit: CallAudit,
    *,
    form: forms_care.CallAuditReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = call_audit.checklist()
    answers = {a.item_id: a.passed for a in audit.answers.select_related("item")}
    form = form or forms_care.CallAuditReviewForm(
        initial={
            "comment": audit.comment,
            **{f"item_{i.code}": ("pass" if answers[i.pk] else "fail") for i in items if i.pk in answers},
        },
        items=items,
    )
    return render(
        request,
        "alarms/call_audit_detail.html",
        {
            "a": audit,
            "items": items,
            "rows": [
                (i, answers.get(i.pk), form.choice(i.code), form[f"item_{i.code}"].errors) for i in items
            ],
            "form": form,
            "actions": call_audit.call_audit_actions(request.user, audit),
            "pass_score": call_audit.PASS_SCORE,
        },
        status=status,
    )


@login_required
def call_audit_detail(request: AuthedRequest, call_audit_id: int) -> HttpResponse:
    return _audit_page(request, call_audit.call_audit_get(user=request.user, call_audit_id=call_audit_id))


@login_required
@require_POST
def call_audit_review(request: AuthedRequest, call_audit_id: int) -> HttpResponse:
    audit = call_audit.call_audit_get(user=request.user, call_audit_id=call_audit_id)
    form = forms_care.CallAuditReviewForm(request.POST, items=call_audit.checklist())
    if not form.submit(
        partial(services.call_audit_review, actor=request.user, call_audit_id=audit.pk, request=request)
    ):
        return _audit_page(request, audit, form=form, status=INVALID_STATUS)
    messages.success(request, _("已保存评审：%(s)s分") % {"s": form.result.score})
    return redirect("alarms:call_audit_detail", call_audit_id=audit.pk)
