"""The admission desk's pages (admission.py): find an applicant or a resident among the user's own
facilities — one facility from its page, or all of them from the waiting page — and admit an
applicant to a free bed. The search is posted, not a query string, so that an ID number stays out of
addresses, server logs and the browser's history (422 with the message on the field when the text is
neither a whole ID number nor a name); the admission goes back to the facility's page, where the new
stay is listed."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.forms import INVALID_STATUS
from carecircle.core.types import AuthedRequest
from carecircle.facilities import admission, selectors
from carecircle.facilities.forms import AdmitForm, FindForm
from carecircle.facilities.models import Facility, WaitingEntry
from carecircle.facilities.views import _act


def _find_page(
    request: AuthedRequest, facilities: QuerySet[Facility], facility: Facility | None
) -> HttpResponse:
    form = FindForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "f": facility, "rows": None, "empty": ""}
    status = 200
    if form.is_bound:
        if form.submit(partial(admission.find, user=request.user, facilities=facilities)):
            context["rows"] = form.result
            if not form.result:
                context["empty"] = admission.not_found_message(form.cleaned_data["q"])
        else:
            status = INVALID_STATUS
    return render(request, "facilities/find.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def facility_find(request: AuthedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")
    return _find_page(request, Facility.objects.filter(pk=facility.pk), facility)


@login_required
@require_http_methods(["GET", "POST"])
def waiting_find(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "facilities.beds")
    return _find_page(request, admission.admitting_facilities(request.user), None)


@login_required
@require_POST
def entry_admit(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = access_by_id(
        WaitingEntry.objects.select_related("facility", "person"),
        entry_id,
        user=request.user,
        perm="facilities.beds",
        check=lambda u, p, row: selectors.require_facility(u, p, row.facility),
    )
    return _act(
        request,
        entry.facility,
        AdmitForm(request.POST, facility_id=entry.facility_id),
        partial(admission.entry_admit, actor=request.user, entry=entry, request=request),
        lambda stay: _("已入住：%(n)s，床位 %(b)s") % {"n": stay.person.name, "b": stay.bed.code},
    )
