"""The register's staff pages beside the worker list (views.py): certificate verification, the Excel
import with its row report, a workplace's roster and the staffing-ratio breaches. Thin: forms in,
one service per POST, reads through selectors and the ratio module."""

import datetime
from functools import partial

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.childcare.selectors import classes_for
from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import DomainError
from carecircle.core.organisations import OPERATOR_KINDS, OrganisationKind, organisation_grants
from carecircle.core.roles import Role
from carecircle.core.tables import FileRejected
from carecircle.facilities.selectors import facility_get, facility_search
from carecircle.workforce import forms, imports, ratios, requirements, selectors, services
from carecircle.workforce.models import EMPLOYER_KINDS, Certificate, Shift
from carecircle.workforce.requirements import CHILDCARE_KINDS

BREACH_DAYS = 30  # the unit ratios page looks back this many days


def _certificate(request, certificate_id: int) -> Certificate:
    """A certificate of a worker the user may see (404/403 as for the worker)."""
    cert = Certificate.objects.filter(pk=certificate_id).values_list("caregiver_id", flat=True).first()
    if cert is None:
        raise Http404
    worker = selectors.caregiver_get(user=request.user, caregiver_id=cert)
    return worker.certificates.get(pk=certificate_id)


@login_required
@require_POST
def certificate_verify(request, certificate_id: int):
    cert = _certificate(request, certificate_id)
    form = forms.VerifyForm(request.POST)
    if not form.submit(
        partial(services.certificate_verify, actor=request.user, certificate=cert, request=request)
    ):
        return render(
            request,
            "workforce/verify_failed.html",
            {"c": cert.caregiver, "cert": cert, "failed": form},
            status=form.failed_status,
        )
    messages.success(request, _("证书已核验"))
    return redirect("workforce:caregiver_detail", caregiver_id=cert.caregiver_id)


def _employers(user) -> list[tuple[str, int, str]]:
    """(kind, id, label) of the employers `user` may import staff for: those they administer, and
    for staff with workforce.manage the operators of the facilities they see (by name)."""
    kinds = dict(OrganisationKind.choices)
    names = {
        f.operator_id: f.operator.name for f in facility_search(user=user).select_related("operator")[:2000]
    }
    found = {
        (g.kind, g.organisation_id, str(names.get(g.organisation_id) or kinds[g.kind]))
        for g in organisation_grants(user, EMPLOYER_KINDS, Role.PROVIDER_ADMIN)
    }
    if scope.has_perm(user, "workforce.manage"):
        found |= {(OrganisationKind.FACILITY_OPERATOR.value, pk, name) for pk, name in names.items()}
    return sorted(found, key=lambda e: (e[2], e[0], e[1]))


@login_required
def worker_import(request):
    """An employer's admin imports their staff from Excel; the report names every refused row."""
    if selectors.employer_q(request.user) is None and not scope.has_perm(request.user, "workforce.manage"):
        raise PermissionDenied
    employers = _employers(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None, employers=employers)
    context = {"form": form, "columns": list(imports.COLUMNS), "required": imports.REQUIRED}
    if request.method != "POST":
        return render(request, "workforce/import.html", context)
    if not form.is_valid():
        return render(request, "workforce/import.html", context, status=422)
    kind, _sep, org = form.cleaned_data["employer"].partition(":")
    try:
        report = imports.workers_import(
            actor=request.user,
            employer_kind=kind,
            organisation_id=int(org),
            uploaded_file=form.cleaned_data["file"],
            request=request,
        )
    except FileRejected as exc:
        form.add_error("file", str(exc.message))
        return render(request, "workforce/import.html", context, status=exc.status)
    return render(
        request, "workforce/import.html", {**context, "report": report}, status=200 if report.saved else 422
    )


class _PlaceAndDay(django_forms.Form):
    """The workplace and day a roster page is about (?workplace=&day= or the form's fields)."""

    workplace = django_forms.IntegerField(required=False, min_value=1)
    day = django_forms.DateField(required=False)


def _place_and_day(request) -> dict:
    form = _PlaceAndDay(request.POST if request.method == "POST" else request.GET)
    form.is_valid()  # a field that does not parse is simply not given (the page picks again)
    return {k: form.cleaned_data.get(k) for k in ("workplace", "day")}


def _workplace(request, perm: str):
    """The workplace (facility) named by ?workplace= / the form, if the user may see its staff."""
    wanted = _place_and_day(request)["workplace"]
    if not wanted:
        return None
    unit = facility_get(user=request.user, facility_id=wanted)
    kind = (
        OrganisationKind.CHILDCARE_OPERATOR
        if unit.kind in CHILDCARE_KINDS
        else OrganisationKind.FACILITY_OPERATOR
    )
    selectors.require_employer_or_staff(
        request.user,
        employer_kind=kind,
        organisation_id=unit.operator_id,
        perm=perm,
        region_code=unit.region_code,
    )
    return unit


def _day(request) -> datetime.date:
    return _place_and_day(request)["day"] or timezone.localdate()


def _roster_page(request, unit, *, day, failed=None, status=200):
    workers = [
        w
        for w in selectors.caregiver_search(
            user=request.user, organisation_id=unit.operator_id if unit else None
        )
        if unit and w.employer_kind in OPERATOR_KINDS
    ]
    classes = (
        list(classes_for(user=request.user, facility=unit)) if unit and unit.kind in CHILDCARE_KINDS else []
    )
    shifts = (
        Shift.objects.filter(unit_id=unit.pk, day=day)
        .select_related("worker")
        .order_by("start", "worker__name")
        if unit
        else []
    )
    names = {c.pk: c.name for c in classes}
    for w in workers:
        w.needs_shown = _("、").join(
            requirements.describe(r) for r in requirements.for_role(unit.kind, w.role)
        )
    return render(
        request,
        "workforce/roster.html",
        {
            "unit": unit,
            "day": day,
            "workers": workers,
            "classes": classes,
            "shifts": [(s, names.get(s.class_id, "")) for s in shifts],
            "units": facility_search(user=request.user)[:200] if unit is None else [],
            "breaches": [b for c in classes for b in ratios.class_breaches(c, day)],
            "failed": failed,
        },
        status=status,
    )


@login_required
def roster(request):
    """A workplace's shifts on a day, with the form that adds one (?workplace=, ?day=)."""
    unit = _workplace(request, "workforce.view")
    if (
        unit is None
        and not selectors.employer_q(request.user)
        and not scope.has_perm(request.user, "workforce.view")
    ):
        raise PermissionDenied
    return _roster_page(request, unit, day=_day(request))


@login_required
@require_POST
def shift_assign(request):
    unit = _workplace(request, "workforce.manage")
    if unit is None:
        form = forms.ShiftForm(request.POST)
        form.is_valid()
        form.add_error(None, _("请选择工作场所"))
        return _roster_page(request, None, day=_day(request), failed=form, status=422)
    classes = list(classes_for(user=request.user, facility=unit)) if unit.kind in CHILDCARE_KINDS else []
    form = forms.ShiftForm(request.POST, classes=classes)
    form.not_for_service = ("worker_id",)

    def assign(**values):
        worker = selectors.caregiver_get(user=request.user, caregiver_id=form.cleaned_data["worker_id"])
        return services.shift_assign(
            actor=request.user, worker=worker, unit_id=unit.pk, request=request, **values
        )

    form.shown_on_form = (DomainError,)
    if not form.submit(assign):
        return _roster_page(request, unit, day=_day(request), failed=form, status=form.failed_status)
    messages.success(request, _("已排班"))
    return redirect(f"{reverse('workforce:roster')}?workplace={unit.pk}&day={form.cleaned_data['day']}")


def _shift(request, shift_id: int) -> Shift:
    """A shift the user may change: its worker's employer's admin, or an official with
    workforce.manage over the shift's workplace (404 when the user cannot see it at all)."""

    def check(user, perm, shift):
        selectors.require_employer_or_staff(
            user,
            employer_kind=shift.worker.employer_kind,
            organisation_id=shift.worker.organisation_id,
            perm=perm,
            region_code=shift.region_code,
        )

    return access_by_id(
        Shift.objects.select_related("worker"),
        shift_id,
        user=request.user,
        perm="workforce.manage",
        check=check,
    )


@login_required
@require_POST
def shift_remove(request, shift_id: int):
    """Take a worker off a roster shift (services.shift_remove), back to the workplace's day."""
    shift = _shift(request, shift_id)
    services.shift_remove(actor=request.user, shift=shift, request=request)
    messages.success(request, _("已撤销%(n)s的班次") % {"n": shift.worker.name})
    return redirect(f"{reverse('workforce:roster')}?workplace={shift.unit_id}&day={shift.day.isoformat()}")


@login_required
def breaches(request):
    """Staffing-ratio breaches of the workplaces the user sees: childcare classes on the day (from
    the staff on shift), and social workers and nursing staff over the last 30 days."""
    if not selectors.employer_q(request.user) and not scope.has_perm(request.user, "workforce.view"):
        raise PermissionDenied
    day = _day(request)
    units = list(facility_search(user=request.user)[:500])
    childcare = [u for u in units if u.kind in CHILDCARE_KINDS]
    elder = [
        u
        for u in units
        if u.kind not in CHILDCARE_KINDS and (u.beds_general + u.beds_nursing + u.beds_cognitive)
    ]
    found = ratios.classes_breaches(classes_for(user=request.user).filter(facility__in=childcare), day)
    not_set: list[str] = []
    found += ratios.unit_breaches(elder, day - datetime.timedelta(days=BREACH_DAYS - 1), day, not_set)
    context = {"day": day, "breaches": found, "count": len(found), "units": len(units), "since": BREACH_DAYS}
    return render(request, "workforce/breaches.html", {**context, "not_set": not_set})
