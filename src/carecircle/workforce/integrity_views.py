"""Integrity pages: officials' list of records in their regions (count, filters, export), and an
employer's lookup of a candidate before hiring (full ID number, purpose, audited)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carecircle.core import list_pages
from carecircle.core.errors import DomainError
from carecircle.core.organisations import OrganisationKind, organisation_grants
from carecircle.core.roles import Role
from carecircle.workforce import integrity
from carecircle.workforce.models import EMPLOYER_KINDS
from carecircle.workforce.training_list_specs import INTEGRITY


@login_required
def integrity_list(request):
    return list_pages.page(request, INTEGRITY, template="workforce/integrity_list.html")


class LookupForm(forms.Form):
    employer = forms.ChoiceField(label=_("用人单位"))
    id_number = forms.CharField(label=_("应聘人员身份证号"), max_length=30)
    purpose = forms.CharField(label=_("查询事由"), max_length=200)

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employers


def _employers(user) -> list[tuple[str, str]]:
    kinds = dict(OrganisationKind.choices)
    return sorted(
        {
            (f"{g.kind}:{g.organisation_id}", f"{kinds[g.kind]}（{g.organisation_id}）")
            for g in organisation_grants(user, EMPLOYER_KINDS, Role.PROVIDER_ADMIN)
        }
    )


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
    try:
        context["records"] = integrity.integrity_lookup(
            actor=request.user,
            employer_kind=kind,
            organisation_id=int(org),
            id_number=form.cleaned_data["id_number"],
            purpose=form.cleaned_data["purpose"],
            request=request,
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return render(request, "workforce/integrity_lookup.html", context, status=exc.status)
    return render(request, "workforce/integrity_lookup.html", context)
