"""Pages of the assessment module (docs/directory-guide.md, "Writing a page"): input through the
forms of forms.py, what a user may do with a referral from selectors.referral_actions, writes and
audit rows in the services, domain errors left to core.middleware.DomainErrorMiddleware (an
InvalidInput lands on the form through core.forms.ServiceForm.submit)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.assessment import capability, forms, selectors, services
from carecircle.assessment.list_specs import ASSESSMENTS, REFERRALS, TO_ASSESS
from carecircle.assessment.models import AssessmentReason, CheckKind, ReferralStatus
from carecircle.core import list_pages, scope
from carecircle.core.forms import INVALID_STATUS, render_invalid
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest
from carecircle.core.vault import shown_age_months
from carecircle.registry.selectors import person_get, shown_person_age


@login_required
def assessment_list(request: AuthedRequest) -> HttpResponse:
    """The assessments (core/lists.py): count, page numbers, sort, filters, export to Excel; above
    them, the distribution of the current levels."""
    counts = (
        selectors.level_counts(user=request.user) if scope.has_perm(request.user, "assessment.view") else {}
    )
    levels = [(i, str(n), counts.get(i, 0)) for i, n in enumerate(capability.LEVEL_NAMES)]
    return list_pages.page(
        request,
        ASSESSMENTS,
        template="assessment/list.html",
        context={"levels": levels, "can_record": scope.has_perm(request.user, "assessment.record")},
    )


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    """The people to assess or screen (core/lists.py): by default the 80+ without a valid assessment."""
    return list_pages.page(request, TO_ASSESS, template="assessment/people.html")


@login_required
def assessment_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, perm="assessment.record")
    history = selectors.person_assessments(person)
    form = forms.AssessmentForm(
        request.POST if request.method == "POST" else None,
        initial={
            "assessed_on": timezone.localdate().isoformat(),
            "risk_events_30d": "0",
            "reason": AssessmentReason.ROUTINE if history.exists() else AssessmentReason.FIRST,
        },
    )
    if request.method == "POST" and form.submit(
        partial(services.assessment_record, actor=request.user, person=person, request=request)
    ):
        messages.success(
            request, _("评估已保存：%(l)s") % {"l": capability.level_name(form.result.final_level)}
        )
        return redirect("assessment:detail", assessment_id=form.result.pk)
    dims = [
        {
            "d": d,
            "items": [
                {"i": i, "value": form.item_value(i.code), "error": bool(form.errors.get(i.code))}
                for i in d.items
            ],
        }
        for d in capability.DIMENSIONS
    ]
    context = {
        "person": person,
        "age": shown_person_age(person),
        "dims": dims,
        "form": form,
        "reasons": AssessmentReason.choices,
        "history": history[:10],
    }
    if form.errors:
        return render_invalid(request, "assessment/form.html", context)
    return render(request, "assessment/form.html", context)


@login_required
def assessment_detail(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    a = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    dims = []
    for d in capability.DIMENSIONS:
        items = [
            {"i": i, "score": a.answers.get(i.code), "text": i.option_text(a.answers[i.code])}
            for i in d.items
        ]
        dims.append({"d": d, "items": items, "score": a.dimension_scores[d.code]})
    return render(
        request,
        "assessment/report.html",
        {
            "a": a,
            "person": a.person,
            "age": shown_person_age(a.person, a.assessed_on),
            "dims": dims,
            "region": region_label(a.region_code),
            "total_max": capability.TOTAL_MAX,
            "preliminary_name": capability.level_name(a.preliminary_level),
            "final_name": capability.level_name(a.final_level),
            "can_record": scope.has_perm(request.user, "assessment.record", a.region_code),
        },
    )


# ------------------------------------------------------------------ infant checks


@login_required
def check_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, perm="assessment.record")
    form = forms.CheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.submit(
        partial(services.child_check_record, actor=request.user, person=person, request=request)
    ):
        messages.success(request, _("已记录：%(r)s") % {"r": form.result.result})
        return redirect("assessment:check_new", person_id=person.pk)
    kind = form["kind"].value() or request.GET.get("kind") or CheckKind.GROWTH
    today = timezone.localdate()
    return render(
        request,
        "assessment/check_form.html",
        {
            "person": person,
            "kind": kind if kind in CheckKind.values else CheckKind.GROWTH,
            "kinds": CheckKind.choices,
            "form": form,
            "today": today.isoformat(),
            "months": shown_age_months(person.birth_date, today),
            "mchat_items": forms.MCHAT_ITEMS,
            "history": selectors.person_checks(person)[:20],
        },
        status=INVALID_STATUS if form.errors else 200,
    )


def _next_steps(user):
    """What the page offers for a check: the next statuses `user` may set (selectors.referral_actions)."""
    labels = dict(ReferralStatus.choices)

    def steps(check):
        allowed = selectors.referral_actions(user, check)
        return [(s, labels[s]) for s in (ReferralStatus.REFERRED, ReferralStatus.CLOSED) if s in allowed]

    return steps


def _referrals_page(
    request: AuthedRequest, *, failed: forms.ReferralForm | None = None, status: int = 200
) -> HttpResponse:
    """The referrals (core/lists.py), each row with its next steps; a refused update comes back on
    it (422)."""
    context, _query = list_pages.listing(REFERRALS, request, row_extra=_next_steps(request.user))
    context.update({"failed": failed, "can_record": scope.has_perm(request.user, "assessment.record")})
    return render(request, "assessment/referrals.html", context, status=status)


@login_required
def referral_list(request: AuthedRequest) -> HttpResponse:
    return list_pages.page(
        request,
        REFERRALS,
        template="assessment/referrals.html",
        context={"can_record": scope.has_perm(request.user, "assessment.record")},
        row_extra=_next_steps(request.user),
    )


@login_required
@require_POST
def referral_update(request: AuthedRequest, check_id: int) -> HttpResponse:
    check = selectors.check_get(user=request.user, check_id=check_id, perm="assessment.record")
    form = forms.ReferralForm(request.POST)
    if not form.submit(partial(services.referral_update, actor=request.user, check=check, request=request)):
        return _referrals_page(request, failed=form, status=INVALID_STATUS)
    messages.success(request, _("已更新转介状态：%(n)s") % {"n": check.person.name})
    return redirect("assessment:referrals")
