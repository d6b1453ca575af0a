"""Early-warning pages (issue 20 item 6): the warnings of the user's regions on the list component,
one warning with its figures and handling (dismiss with a reason, or mark for inspection), and the
rules with their CEL (docs/directory-guide.md, "Writing a page")."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, scope
from carecircle.core.errors import Forbidden
from carecircle.core.forms import ServiceForm
from carecircle.core.types import AuthedRequest
from carecircle.oversight import forms_warnings as forms
from carecircle.oversight import selectors_warnings as selectors
from carecircle.oversight import services_warnings as services
from carecircle.oversight import warnings as signals
from carecircle.oversight.list_specs_warnings import WARNINGS
from carecircle.oversight.models import EarlyWarning, SubjectKind

DETAIL_TEMPLATE = "oversight/warning_detail.html"
RULES_TEMPLATE = "oversight/warning_rules.html"


@login_required
def warning_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(request, WARNINGS, template="core/list_page.html")


def _detail_page(
    request: AuthedRequest, warning: EarlyWarning, *, failed: ServiceForm | None = None, which: str = ""
) -> HttpResponse:
    context = {
        "warning": warning,
        "lines": signals.signal_lines(warning.subject_kind, warning.signals),
        "actions": selectors.warning_actions(request.user, warning),
        "failed": failed,
        "which": which,
    }
    return render(request, DETAIL_TEMPLATE, context, status=failed.failed_status if failed else 200)


@login_required
def warning_detail(request: AuthedRequest, warning_id: int) -> HttpResponse:
    return _detail_page(request, selectors.warning_get(user=request.user, warning_id=warning_id))


@login_required
@require_POST
def warning_dismiss(request: AuthedRequest, warning_id: int) -> HttpResponse:
    warning = selectors.warning_get(user=request.user, warning_id=warning_id)
    form = forms.DismissForm(request.POST)
    if not form.submit(
        partial(services.warning_dismiss, actor=request.user, warning=warning, request=request)
    ):
        return _detail_page(request, warning, failed=form, which="dismiss")
    messages.success(request, _("预警已排除"))
    return redirect("oversight:warning_detail", warning_id=warning.pk)


@login_required
@require_POST
def warning_to_inspect(request: AuthedRequest, warning_id: int) -> HttpResponse:
    warning = selectors.warning_get(user=request.user, warning_id=warning_id)
    form = forms.ToInspectForm(request.POST)
    if not form.submit(
        partial(services.warning_to_inspect, actor=request.user, warning=warning, request=request)
    ):
        return _detail_page(request, warning, failed=form, which="to_inspect")
    messages.success(request, _("预警已转为待检查"))
    return redirect("oversight:warning_detail", warning_id=warning.pk)


def _rules_page(request: AuthedRequest, *, failed: ServiceForm | None = None) -> HttpResponse:
    if not scope.has_perm(request.user, "oversight.view"):
        raise Forbidden()
    context = {
        "rules": selectors.warning_rules(),
        "may_edit": services.may_edit_rules(request.user),
        "unit_signals": [(n, label) for n, (_t, label) in signals.UNIT_SIGNALS.items()],
        "community_signals": [(n, label) for n, (_t, label) in signals.COMMUNITY_SIGNALS.items()],
        "kinds": SubjectKind.choices,
        "failed": failed,
    }
    return render(request, RULES_TEMPLATE, context, status=failed.failed_status if failed else 200)


@login_required
def warning_rules(request: AuthedRequest) -> HttpResponse:
    return _rules_page(request)


@login_required
@require_POST
def warning_rule_new(request: AuthedRequest) -> HttpResponse:
    form = forms.RuleForm(request.POST)
    if not form.submit(partial(services.warning_rule_save, actor=request.user, request=request)):
        return _rules_page(request, failed=form)
    messages.success(request, _("预警规则已保存"))
    return redirect("oversight:warning_rules")
