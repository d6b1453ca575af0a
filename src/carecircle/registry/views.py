"""Pages of the registry (docs/directory-guide.md, "Writing a page"): one view per action, input
through the forms of forms.py, what the user may do with a person from selectors.person_actions,
writes and audit rows in the services, domain errors left to core.middleware.DomainErrorMiddleware
(an InvalidInput lands on the form through core.forms.ServiceForm.submit)."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, plugins, region_pick, scope
from carecircle.core.selectors import region_label
from carecircle.core.tables import parse_date
from carecircle.core.types import Actor, AuthedRequest
from carecircle.core.vault import shown_birth
from carecircle.registry import imports, selectors, services
from carecircle.registry.forms import (
    ContactForm,
    PersonEditForm,
    PersonForm,
    RegistryForm,
    StatusEndForm,
    StatusForm,
    UnmaskForm,
    UploadForm,
)
from carecircle.registry.list_specs import IMPORT_JOBS, PEOPLE, STATUSES
from carecircle.registry.models import Person


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    """The people list (core/lists.py): count, page numbers, sort, filters, export to Excel."""
    return list_pages.page(
        request,
        PEOPLE,
        template="registry/person_list.html",
        context={"can_edit": scope.has_perm(request.user, "registry.edit")},
    )


def _person_page(
    request: AuthedRequest, person: Person, *, failed: RegistryForm | None = None
) -> HttpResponse:
    """The person's page; `failed` is the form that came back with errors (shown again, bound, with
    its status: 422, or 409 for a clash)."""
    today = timezone.localdate()
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "birth_month": shown_birth(person.birth_date),
            "age": selectors.shown_person_age(person, today),
            "groups": selectors.derived_groups(person, today),
            "current": selectors.statuses_on(person, today),
            "statuses": selectors.status_rows(request.user, person),
            "contacts": person.contacts.all(),
            "history": selectors.person_history_entries(person),
            "region": region_label(person.region_code),
            "status_form": failed
            if isinstance(failed, StatusForm)
            else StatusForm(initial={"valid_from": today}),
            "contact_form": failed if isinstance(failed, ContactForm) else ContactForm(),
            "household": selectors.household_members(person),
            "related": related_links(request.user, person),
            "actions": selectors.person_actions(request.user, person),
            "failed": failed,
        },
        status=failed.failed_status if failed is not None else 200,
    )


@login_required
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    return _person_page(request, selectors.person_get(user=request.user, person_id=person_id))


def related_links(user: Actor, person: Person) -> list[tuple[str, str]]:
    """What other modules offer for this person (`<module>/person.py`: links(user, person))."""
    return [link for module in plugins.optional_submodules("person") for link in module.links(user, person)]


@login_required
@require_POST
def person_unmask(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The full data, shown once; the service audits the reveal (a refusal is the error page)."""
    person = selectors.person_get(user=request.user, person_id=person_id)
    form = UnmaskForm(request.POST)
    if not form.submit(partial(services.person_unmask, actor=request.user, person=person, request=request)):
        return _person_page(request, person, failed=form)
    return render(request, "registry/unmasked.html", {"person": person, "plain": form.result})


def _form_page(request: AuthedRequest, form: PersonForm, **context: Any) -> HttpResponse:
    """The person form; its map opens on the chosen community (else the user's own region)."""
    code = str(form["region_code"].value() or "")
    centre = region_pick.centre_of(code) or region_pick.first_centre(user=request.user, perm="registry.edit")
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "existing_url": form.existing_url(), "map_centre": centre, **context},
        status=form.failed_status if form.errors else 200,
    )


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "registry.edit")
    form = PersonForm(
        request.POST or None, user=request.user, initial={"region_code": request.GET.get("region", "")}
    )
    if request.method == "POST" and form.submit(
        partial(services.person_create, actor=request.user, request=request)
    ):
        messages.success(request, _("已登记：%(n)s") % {"n": form.result.name})
        return redirect("registry:person_detail", person_id=form.result.pk)
    return _form_page(
        request,
        form,
        title=_("登记人员"),
        location_hint=_("在地图上点击住址所在位置；不点选时，以所选社区的中心为住址位置。"),
    )


@login_required
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    # The location is personal like the address: not shown, not pre-filled; blank keeps it.
    form = PersonEditForm(
        request.POST or None,
        user=request.user,
        initial={"name": person.name, "region_code": person.region_code},
    )
    if request.method == "POST" and form.submit(
        partial(services.person_update, actor=request.user, person=person, request=request)
    ):
        messages.success(request, _("已保存"))
        return redirect("registry:person_detail", person_id=person.pk)
    return _form_page(
        request,
        form,
        title=_("修改：%(n)s") % {"n": person.name},
        person=person,
        hint=_("电话和地址留空表示不修改（当前：%(p)s，%(a)s）")
        % {"p": person.phone_masked or "—", "a": person.address_masked or "—"},
        location_hint=_("住址位置不点选则不变；改到另一个社区而未点选时，以新社区的中心为住址位置。"),
    )


@login_required
@require_POST
def status_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    form = StatusForm(request.POST)
    if not form.submit(partial(services.status_add, actor=request.user, person=person, request=request)):
        return _person_page(request, person, failed=form)
    messages.success(request, _("已添加状况"))
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
@require_POST
def status_end(request: AuthedRequest, person_id: int, status_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    status = selectors.status_get(person=person, status_id=status_id)

    def end(*, valid_to: str) -> object:
        return services.status_end(
            actor=request.user, status=status, valid_to=parse_date(valid_to, "valid_to"), request=request
        )

    form = StatusEndForm(request.POST)
    if not form.submit(end):
        return _person_page(request, person, failed=form)
    messages.success(request, _("已终止"))
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
@require_POST
def contact_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")

    def add(*, username: str, **contact: Any) -> object:
        account = services.resident_account_for(username) if username else None
        return services.family_contact_add(
            actor=request.user, person=person, user=account, request=request, **contact
        )

    form = ContactForm(request.POST)
    if not form.submit(add):
        return _person_page(request, person, failed=form)
    messages.success(request, _("已添加联系人"))
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
def import_list(request: AuthedRequest) -> HttpResponse:
    """The upload form over the user's import jobs (core/lists.py: count, pages, sort, filters,
    export). A POST with a file starts an import; the list's export form posts a purpose."""
    scope.require_perm(request.user, "registry.import")
    if request.method != "POST" or "purpose" in request.POST:
        return list_pages.page(request, IMPORT_JOBS, template="registry/import_list.html", context=_upload())
    form = UploadForm(request.POST, request.FILES)

    def start(*, file: Any) -> object:
        return services.import_start(actor=request.user, uploaded_file=file, request=request)

    if form.submit(start):
        return redirect("registry:import_detail", job_id=form.result.pk)
    context, _query = list_pages.listing(IMPORT_JOBS, request)
    context.update(_upload(form))
    return render(request, "registry/import_list.html", context, status=form.failed_status)


def _upload(form: UploadForm | None = None) -> dict[str, Any]:
    return {"form": form or UploadForm(), "title": _("批量导入人员和状况")}


@login_required
def status_list(request: AuthedRequest) -> HttpResponse:
    """The statuses register (core/lists.py): who held 特困, 低保, 独居 … when, from which source."""
    return list_pages.page(request, STATUSES)


def _job_page(
    request: AuthedRequest, job_id: int, *, failed: Form | None = None, status: int = 200
) -> HttpResponse:
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    template = "registry/import_progress.html" if request.htmx else "registry/import_detail.html"
    return render(
        request, template, {"job": job, "rejections": job.rejections[:200], "failed": failed}, status=status
    )


@login_required
def import_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    return _job_page(request, job_id)


@login_required
@require_POST
def import_retry(request: AuthedRequest, job_id: int) -> HttpResponse:
    selectors.import_job_get(user=request.user, job_id=job_id)  # someone else's job: 404, like its page
    form = RegistryForm(request.POST)  # nothing to fill in; nothing to retry, or the file gone, lands on it
    if not form.submit(partial(services.import_retry, actor=request.user, job_id=job_id, request=request)):
        return _job_page(request, job_id, failed=form, status=form.failed_status)
    messages.success(request, _("已从中断处继续导入"))
    return redirect("registry:import_detail", job_id=job_id)


@login_required
def import_rejections(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    body = services.import_rejections_export(actor=request.user, job=job, request=request)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rejections.csv"'
    return response


@login_required
def import_template(request: AuthedRequest, fmt: str) -> HttpResponse:
    scope.require_perm(request.user, "registry.import")
    if fmt == "xlsx":
        body, ctype = (
            imports.template_xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        body, ctype = imports.template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="people-template.{fmt}"'
    return response
