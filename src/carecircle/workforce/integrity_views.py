"""Integrity pages: officials' list of records in their regions (count, filters, export), and an
employer's lookup of a candidate before hiring (full ID number, purpose, audited)."""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from carecircle.core import list_pages, scope
from carecircle.core.errors import InvalidInput
from carecircle.core.forms import ServiceForm
from carecircle.core.organisations import OrganisationKind, organisation_grants
from carecircle.core.roles import Role
from carecircle.workforce import integrity, selectors, views_register
from carecircle.workforce.models import EMPLOYER_KINDS, IntegrityKind, IntegritySource
from carecircle.workforce.training_list_specs import INTEGRITY


@login_required
def integrity_list(request):
    return list_pages.page(request, INTEGRITY, template="workforce/integrity_list.html")


class LookupForm(ServiceForm):
    employer = forms.ChoiceField(label=_("用人单位"))
    id_number = forms.CharField(label=_("应聘人员身份证号"), max_length=30)
    purpose = forms.CharField(label=_("查询事由"), max_length=200)

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employers


def _employers(user) -> list[tuple[str, str]]:
    """The employers `user` administers, by name (the register's import page names them alike);
    the user's grants read once, not once per employer."""
    grants = organisation_grants(user, EMPLOYER_KINDS, Role.PROVIDER_ADMIN)
    administered = {(g.kind, g.organisation_id) for g in grants}
    administered |= {  # a facility operator's admin also employs its childcare staff
        (OrganisationKind.CHILDCARE_OPERATOR.value, org)
        for kind, org in administered
        if kind == OrganisationKind.FACILITY_OPERATOR
    }
    return [
        (f"{kind}:{org}", label)
        for kind, org, label in views_register._employers(user)
        if (kind, org) in administered
    ]


@login_required
def integrity_lookup_page(request):
    employers = _employers(request.user)
    if not employers:
        raise PermissionDenied
    form = LookupForm(request.POST or None, employers=employers)
    context = {"form": form, "records": None}
    if request.method != "POST":
        return render(request, "workforce/integrity_lookup.html", context)
    if not form.is_valid():
        return render(request, "workforce/integrity_lookup.html", context, status=422)
    kind, _sep, org = form.cleaned_data["employer"].partition(":")

    def lookup(*, employer: str, id_number: str, purpose: str):  # noqa: ARG001 — the employer is split above
        return integrity.integrity_lookup(
            actor=request.user,
            employer_kind=kind,
            organisation_id=int(org),
            id_number=id_number,
            purpose=purpose,
            request=request,
        )

    if not form.submit(lookup):
        return render(request, "workforce/integrity_lookup.html", context, status=form.failed_status)
    context["records"] = form.result
    return render(request, "workforce/integrity_lookup.html", context)


class RecordForm(ServiceForm):
    kind = forms.ChoiceField(label=_("记录类别"), choices=IntegrityKind.choices)
    source = forms.ChoiceField(label=_("来源"), choices=IntegritySource.choices)
    source_ref = forms.CharField(label=_("来源文号"), max_length=100)
    occurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("事实摘要"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(ServiceForm):
    record = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("申诉理由"), max_length=500)


class DecideForm(ServiceForm):
    record = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=(("1", _("驳回申诉，维持记录")), ("0", _("申诉成立，撤销记录"))),
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("复核意见"), max_length=500)


FORMS = {"record": RecordForm, "appeal": AppealForm, "decide": DecideForm}


class ActionForm(forms.Form):
    """Which of the page's three forms was sent (record is the default)."""

    action = forms.ChoiceField(choices=[(k, k) for k in FORMS], required=False)


def _submit(request, worker, action: str, **data) -> None:
    if action == "record":
        integrity.integrity_record(actor=request.user, worker=worker, request=request, **data)
        return
    row = worker.integrity_records.filter(pk=data["record"]).first()
    if row is None:
        raise InvalidInput(_("未找到该诚信记录"), field="record")
    if action == "appeal":
        integrity.integrity_appeal(actor=request.user, record=row, reason=data["reason"], request=request)
    else:
        integrity.integrity_decide(
            actor=request.user, record=row, upheld=data["upheld"], decision=data["decision"], request=request
        )


@login_required
def worker_integrity(request, caregiver_id: int):
    """One worker's integrity records (officials over the worker's region): record one, appeal one
    in force, decide an appeal (another official than the recorder)."""
    worker = selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id)
    scope.require(request.user, "workforce.view", worker.region_code)
    chosen = ActionForm(request.POST or None)
    action = (chosen.cleaned_data["action"] if chosen.is_valid() else "") or "record"
    failed = None
    status = 200
    if request.method == "POST":
        form = FORMS[action](request.POST)
        if form.submit(partial(_submit, request, worker, action)):
            messages.success(request, _("已保存"))
            return redirect("workforce:worker_integrity", caregiver_id=worker.pk)
        failed, status = form, form.failed_status
    context = {
        "c": worker,
        "records": worker.integrity_records.select_related("recorded_by", "decided_by"),
        "failed": failed,
        "record_form": failed if action == "record" and failed else RecordForm(),
    }
    return render(request, "workforce/integrity_worker.html", context, status=status)
