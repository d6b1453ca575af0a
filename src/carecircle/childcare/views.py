import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from carecircle.childcare import selectors, services
from carecircle.childcare.models import Band, Enrolment
from carecircle.core import limits, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import DomainError, InvalidInput, NotFound
from carecircle.facilities import selectors as facility_selectors
from carecircle.registry import selectors as registry_selectors


class ClassForm(forms.Form):
    facility = forms.TypedChoiceField(label=_l("托育设施"), coerce=int, choices=())
    name = forms.CharField(label=_l("班级名称"), max_length=40)
    band = forms.ChoiceField(label=_l("班型"), choices=Band.choices)
    capacity = forms.IntegerField(label=_l("额定人数"), min_value=1, max_value=20)
    caregivers = forms.IntegerField(label=_l("保育人员"), min_value=1, max_value=20)
    puhui = forms.BooleanField(label=_l("普惠班"), required=False, initial=True)
    monthly_fee = forms.DecimalField(label=_l("月收费(元)"), min_value=0, decimal_places=2)


class VoucherForm(forms.Form):
    region_code = forms.CharField(label=_l("发放区域代码"), max_length=12)
    batch = forms.CharField(label=_l("批次"), max_length=40)
    programme_code = forms.CharField(label=_l("津贴补贴项目代码（按项目资格和面额发放，如 CHILDCARE_VOUCHER）"), required=False,
                                     max_length=40)
    amount = forms.DecimalField(label=_l("面额(元)（不按项目发放时填写）"), min_value=0, decimal_places=2, required=False)
    valid_to = forms.DateField(label=_l("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))


def _day(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise InvalidInput(_("日期格式不正确：%(v)s") % {"v": value}, field="day") from None


def _childcare_facilities(user):
    return facility_selectors.childcare_facilities(user=user, perm="childcare.manage")


@login_required
def class_list(request):
    scope.require_perm(request.user, "childcare.view")
    classes = selectors.classes_for(user=request.user)
    page = Paginator(classes, 40).get_page(request.GET.get("page"))
    rows = selectors.classes_with_figures(page)
    return render(request, "childcare/classes.html", {
        "page": page, "rows": rows, "outgrowing": selectors.outgrowing(user=request.user, within_days=30)[:50],
        "can_manage": scope.has_perm(request.user, "childcare.manage"),
    })


@login_required
def class_create(request):
    scope.require_perm(request.user, "childcare.manage")
    facilities = _childcare_facilities(request.user)
    form = ClassForm(request.POST or None)
    form.fields["facility"].choices = [(f.pk, f.name) for f in facilities]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facility = facilities.filter(pk=data.pop("facility")).first()
        if facility is None:
            raise NotFound()
        try:
            cls = services.class_create(actor=request.user, facility=facility, request=request, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("childcare:class_detail", class_id=cls.pk)
    return render(request, "childcare/form.html", {"form": form, "title": _("开设班级")})


@login_required
def class_detail(request, class_id: int):
    cls = selectors.class_get(user=request.user, class_id=class_id)
    day = _day(request.GET.get("day"))
    roster = selectors.roster(cls, day)
    present = set(cls.enrolments.filter(attendance__day=day, attendance__present=True).values_list("pk", flat=True))
    others = selectors.classes_for(user=request.user, facility=cls.facility).exclude(pk=cls.pk)
    return render(request, "childcare/class.html", {
        "c": cls, "day": day, "roster": roster, "fig": selectors.class_figures(cls, day), "present": present,
        "others": others, "can_manage": facility_selectors.reaches_facility(request.user, "childcare.manage", cls.facility_id),
    })


@login_required
@require_POST
def enrol(request, class_id: int):
    cls = selectors.class_get(user=request.user, class_id=class_id, perm="childcare.manage")
    try:
        child = registry_selectors.person_get(user=request.user, person_id=limits.parse_id(request.POST.get("child_id"), "child_id"))
    except (ValueError, DomainError):
        messages.error(request, _("未找到该婴幼儿（请填写人员编号）"))
        return redirect("childcare:class_detail", class_id=cls.pk)
    try:
        services.enrol(actor=request.user, child_class=cls, child=child, start_on=_day(request.POST.get("start_on")),
                       request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已入托：%(n)s") % {"n": child.name})
    return redirect("childcare:class_detail", class_id=cls.pk)


@login_required
@require_POST
def attendance(request, class_id: int):
    cls = selectors.class_get(user=request.user, class_id=class_id, perm="childcare.manage")
    day = _day(request.POST.get("day"))
    try:
        present = {int(v) for v in request.POST.getlist("present")}
        n = services.attendance_record(actor=request.user, child_class=cls, day=day, present_ids=present, request=request)
    except (ValueError, DomainError) as exc:
        messages.error(request, getattr(exc, "message", _("出勤数据有误")))
    else:
        messages.success(request, _("已登记 %(d)s 出勤：%(p)d/%(n)d") % {"d": day, "p": len(present), "n": n})
    return redirect(f"{reverse('childcare:class_detail', args=[cls.pk])}?day={day}")


def _enrolment(request, enrolment_id):
    return access_by_id(Enrolment.objects.select_related("facility", "child_class"), enrolment_id, user=request.user,
                        perm="childcare.manage",
                        check=lambda u, p, row: facility_selectors.require_facility(u, p, row.facility))


@login_required
@require_POST
def move(request, enrolment_id: int):
    e = _enrolment(request, enrolment_id)
    target = selectors.class_get(user=request.user, class_id=limits.parse_id(request.POST.get("to_class"), "to_class"), perm="childcare.manage")
    try:
        services.enrolment_move(actor=request.user, enrolment=e, to_class=target, day=_day(request.POST.get("day")),
                                request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已转入 %(c)s") % {"c": target.name})
    return redirect("childcare:class_detail", class_id=e.child_class_id)


@login_required
@require_POST
def end(request, enrolment_id: int):
    e = _enrolment(request, enrolment_id)
    try:
        services.enrolment_end(actor=request.user, enrolment=e, day=_day(request.POST.get("day")),
                               reason=request.POST.get("reason", ""), request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("childcare:class_detail", class_id=e.child_class_id)


@login_required
def vouchers(request):
    scope.require_perm(request.user, "childcare.view")
    can_issue = scope.has_perm(request.user, "childcare.voucher")
    form = VoucherForm(request.POST or None) if can_issue else None
    if request.method == "POST":
        if request.POST.get("action") == "redeem":
            facility = _childcare_facilities(request.user).filter(pk=limits.parse_id(request.POST.get("facility"), "facility")).first()
            try:
                if facility is None:
                    raise NotFound(_("请选择本机构"))
                v = services.voucher_redeem(actor=request.user, code=request.POST.get("code", ""), facility=facility,
                                            request=request)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已使用：%(c)s，面额 %(a)s 元") % {"c": v.code, "a": v.amount})
            return redirect("childcare:vouchers")
        if form is not None and form.is_valid():
            try:
                n = services.voucher_issue(actor=request.user, request=request, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已发放 %(n)d 张") % {"n": n})
                return redirect("childcare:vouchers")
    params = {k: request.GET.get(k, "") for k in ("batch", "state")}
    page = Paginator(selectors.vouchers_for(user=request.user, **params), 50).get_page(request.GET.get("page"))
    return render(request, "childcare/vouchers.html", {
        "page": page, "form": form, "params": params, "redeem_facilities": _childcare_facilities(request.user),
    })
