"""Caregiver pages, written as docs/directory-guide.md "Writing a page" says: input through
forms.py, one service per POST, an InvalidInput shown on the form (422), every other domain error
on the middleware's error page."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, region_pick, scope
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.facilities.selectors import facility_search
from carecircle.workforce import forms, selectors, services
from carecircle.workforce.list_specs import CAREGIVERS
from carecircle.workforce.models import CertificateKind, CertificateLevel

TEMPLATE = "workforce/caregiver_list.html"


def _extra(request, failed=None):
    """What the caregiver list shows beside the list: the register form, expiring certificates."""
    orgs = sorted(organisations_of(request.user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin"))
    return {
        "failed": failed,
        "organisations": orgs,
        "caregiver_form": (
            failed
            if isinstance(failed, forms.CaregiverForm)
            else forms.CaregiverForm(organisations=orgs, user=request.user)
        ),
        "expiring": selectors.expiring_certificates(user=request.user, day=timezone.localdate())[:20],
        "employers": selectors.employer_q(request.user) is not None,
    }


def _list_page(request, *, failed=None, status: int = 200):
    context, _query = list_pages.listing(CAREGIVERS, request)
    return render(request, TEMPLATE, {**context, **_extra(request, failed)}, status=status)


@login_required
def caregiver_list(request):
    """The caregivers (core/lists.py): count, page numbers, sort, filters, export to Excel."""
    return list_pages.page(request, CAREGIVERS, template=TEMPLATE, context=_extra(request))


def _detail_page(request, caregiver, *, failed=None, status: int = 200):
    return render(
        request,
        "workforce/caregiver_detail.html",
        {
            "c": caregiver,
            "region": region_pick.label_of(caregiver.region_code),
            "certificates": caregiver.certificates.select_related("verified_by"),
            "can_verify": scope.has_perm(request.user, "workforce.manage", caregiver.region_code),
            "unit": facility_search(user=request.user).filter(pk=caregiver.unit_id).first()
            if caregiver.unit_id
            else None,
            "shifts": caregiver.shifts.filter(day__gte=timezone.localdate())[:20],
            "kinds": CertificateKind.choices,
            "levels": CertificateLevel.choices,
            "today": timezone.localdate(),
            "failed": failed,
        },
        status=status,
    )


@login_required
def caregiver_detail(request, caregiver_id: int):
    return _detail_page(request, selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id))


@login_required
@require_POST
def certificate_add(request, caregiver_id: int):
    caregiver = selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id)
    form = forms.CertificateForm(request.POST)
    if not form.submit(
        partial(services.certificate_add, actor=request.user, caregiver=caregiver, request=request)
    ):
        return _detail_page(request, caregiver, failed=form, status=422)
    messages.success(request, _("证书已登记"))
    return redirect("workforce:caregiver_detail", caregiver_id=caregiver.pk)


@login_required
@require_POST
def caregiver_create(request):
    """A provider admin registers a caregiver of their own organisation."""
    orgs = organisations_of(request.user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    form = forms.CaregiverForm(request.POST, organisations=sorted(orgs), user=request.user)
    if not form.submit(partial(services.caregiver_create, actor=request.user, request=request)):
        return _list_page(request, failed=form, status=422)
    messages.success(request, _("护理员已登记，请登记其证书"))
    return redirect("workforce:caregiver_detail", caregiver_id=form.result.pk)
