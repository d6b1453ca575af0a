"""Pages of childcare: classes, their roster and attendance, enrolments, vouchers. Written as
docs/directory-guide.md, "Writing a page" says: input through forms.py, one service per view,
a bad value shown again on the page (422), refusals and conflicts to the error page."""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.childcare import forms, list_specs, selectors, services
from carecircle.childcare.models import ChildClass, Enrolment
from carecircle.core import list_pages, scope, tables
from carecircle.core.access import access_by_id
from carecircle.core.forms import INVALID_STATUS, ServiceForm, render_invalid
from carecircle.core.types import AuthedRequest, Viewer
from carecircle.facilities import selectors as facility_selectors


def _day(value: str | None) -> datetime.date:
    """?day= (today when absent); a bad value is a 422 naming it (core.tables.parse_date)."""
    return tables.parse_date(value, "day") if value else timezone.localdate()


def _childcare_facilities(user: Viewer) -> QuerySet:
    return facility_selectors.childcare_facilities(user=user, perm="childcare.manage")


@login_required
def class_list(request: AuthedRequest) -> HttpResponse:
    """The classes (core/lists.py): count, page numbers, sort, filters, export; above them the
    children who reach their class's upper age within 30 days."""
    scope.require_perm(request.user, "childcare.view")
    return list_pages.page(
        request,
        list_specs.CLASSES,
        template="childcare/classes.html",
        context={
            "outgrowing": selectors.outgrowing(user=request.user, within_days=30)[:50],
            "can_manage": scope.has_perm(request.user, "childcare.manage"),
        },
    )


@login_required
def enrolment_list(request: AuthedRequest) -> HttpResponse:
    """Every enrolment of the user's facilities (first visit: the children in care today)."""
    return list_pages.page(request, list_specs.ENROLMENTS, template="childcare/enrolments.html")


@login_required
def class_create(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "childcare.manage")
    form = forms.ClassForm(request.POST or None, facilities=_childcare_facilities(request.user))
    if request.method == "POST":
        if form.submit(partial(services.class_create, actor=request.user, request=request)):
            return redirect("childcare:class_detail", class_id=form.result.pk)
        return render_invalid(request, "childcare/form.html", {"form": form, "title": _("开设班级")})
    return render(request, "childcare/form.html", {"form": form, "title": _("开设班级")})


def _class_page(
    request: AuthedRequest,
    cls: ChildClass,
    day: datetime.date,
    *,
    failed: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The class on `day`; `failed` is the form that came back with errors (its messages on top)."""
    roster = selectors.roster(cls, day)
    present = set(
        cls.enrolments.filter(attendance__day=day, attendance__present=True).values_list("pk", flat=True)
    )
    others = selectors.classes_for(user=request.user, facility=cls.facility).exclude(pk=cls.pk)
    return render(
        request,
        "childcare/class.html",
        {
            "c": cls,
            "day": day,
            "roster": roster,
            "fig": selectors.class_figures(cls, day),
            "present": present,
            "others": others,
            "can_manage": facility_selectors.reaches_facility(
                request.user, "childcare.manage", cls.facility_id
            ),
            "form": failed,
        },
        status=status,
    )


@login_required
def class_detail(request: AuthedRequest, class_id: int) -> HttpResponse:
    cls = selectors.class_get(user=request.user, class_id=class_id)
    return _class_page(request, cls, _day(request.GET.get("day")))


@login_required
@require_POST
def enrol(request: AuthedRequest, class_id: int) -> HttpResponse:
    cls = selectors.class_get(user=request.user, class_id=class_id, perm="childcare.manage")
    form = forms.EnrolForm(request.POST, user=request.user)
    if not form.submit(partial(services.enrol, actor=request.user, child_class=cls, request=request)):
        return _class_page(request, cls, timezone.localdate(), failed=form, status=INVALID_STATUS)
    messages.success(request, _("已入托：%(n)s") % {"n": form.cleaned_data["child"].name})
    return redirect("childcare:class_detail", class_id=cls.pk)


@login_required
@require_POST
def attendance(request: AuthedRequest, class_id: int) -> HttpResponse:
    cls = selectors.class_get(user=request.user, class_id=class_id, perm="childcare.manage")
    form = forms.AttendanceForm(request.POST)
    if not form.submit(
        partial(services.attendance_record, actor=request.user, child_class=cls, request=request)
    ):
        day = form.cleaned_data.get("day") or timezone.localdate()
        return _class_page(request, cls, day, failed=form, status=INVALID_STATUS)
    day = form.cleaned_data["day"]
    messages.success(
        request,
        _("已登记 %(d)s 出勤：%(p)d/%(n)d")
        % {"d": day, "p": len(form.cleaned_data["present_ids"]), "n": form.result},
    )
    return redirect(f"{reverse('childcare:class_detail', args=[cls.pk])}?day={day}")


def _enrolment(request: AuthedRequest, enrolment_id: int) -> Enrolment:
    return access_by_id(
        Enrolment.objects.select_related("facility", "child_class"),
        enrolment_id,
        user=request.user,
        perm="childcare.manage",
        check=lambda u, p, row: facility_selectors.require_facility(u, p, row.facility),
    )


@login_required
@require_POST
def move(request: AuthedRequest, enrolment_id: int) -> HttpResponse:
    e = _enrolment(request, enrolment_id)
    form = forms.MoveForm(request.POST, classes=selectors.classes_for(user=request.user, facility=e.facility))
    if not form.submit(partial(services.enrolment_move, actor=request.user, enrolment=e, request=request)):
        return _class_page(request, e.child_class, timezone.localdate(), failed=form, status=INVALID_STATUS)
    messages.success(request, _("已转入 %(c)s") % {"c": form.cleaned_data["to_class"].name})
    return redirect("childcare:class_detail", class_id=e.child_class_id)


@login_required
@require_POST
def end(request: AuthedRequest, enrolment_id: int) -> HttpResponse:
    e = _enrolment(request, enrolment_id)
    form = forms.EndForm(request.POST)
    if not form.submit(partial(services.enrolment_end, actor=request.user, enrolment=e, request=request)):
        return _class_page(request, e.child_class, timezone.localdate(), failed=form, status=INVALID_STATUS)
    return redirect("childcare:class_detail", class_id=e.child_class_id)


def _vouchers_page(
    request: AuthedRequest,
    *,
    issue: ServiceForm | None = None,
    redeem: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The voucher list (core/lists.py) under the issue and redeem forms. A GET, or the list's export
    form (a POST with a purpose), is the list component's; a form that came back with errors shows
    the list as a GET would, with the form's errors (422)."""
    can_issue = scope.has_perm(request.user, "childcare.voucher")
    extra = {
        "form": issue or (forms.VoucherForm(user=request.user) if can_issue else None),
        "redeem_facilities": _childcare_facilities(request.user),
        "redeem_form": redeem,
    }
    if issue is None and redeem is None:
        return list_pages.page(
            request, list_specs.VOUCHERS, template="childcare/vouchers.html", context=extra
        )
    context, _query = list_pages.listing(list_specs.VOUCHERS, request)
    return render(request, "childcare/vouchers.html", {**context, **extra}, status=status)


@login_required
def vouchers(request: AuthedRequest) -> HttpResponse:
    """The vouchers of the user's regions; a POST issues a batch (403 without the permission to issue)."""
    scope.require_perm(request.user, "childcare.view")
    if request.method != "POST" or "purpose" in request.POST:  # a GET, or the list's export
        return _vouchers_page(request)
    scope.require_perm(request.user, "childcare.voucher")
    form = forms.VoucherForm(request.POST, user=request.user)
    if not form.submit(partial(services.voucher_issue, actor=request.user, request=request)):
        return _vouchers_page(request, issue=form, status=INVALID_STATUS)
    messages.success(request, _("已发放 %(n)d 张") % {"n": form.result})
    return redirect("childcare:vouchers")


@login_required
@require_POST
def voucher_redeem(request: AuthedRequest) -> HttpResponse:
    """A voucher used at one of the user's own childcare facilities."""
    scope.require_perm(request.user, "childcare.view")
    form = forms.RedeemForm(request.POST, facilities=_childcare_facilities(request.user))
    if not form.submit(partial(services.voucher_redeem, actor=request.user, request=request)):
        return _vouchers_page(request, redeem=form, status=INVALID_STATUS)
    v = form.result
    messages.success(request, _("已使用：%(c)s，面额 %(a)s 元") % {"c": v.code, "a": v.amount})
    return redirect("childcare:vouchers")
