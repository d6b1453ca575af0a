
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import plugins, scope
from carecircle.core.errors import DomainError, InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.selectors import region_label
from carecircle.core.vault import shown_birth
from carecircle.registry import imports, selectors, services
from carecircle.registry.forms import ContactForm, PersonEditForm, PersonForm, StatusForm, UploadForm
from carecircle.registry.models import ImportJob, PersonStatus, StatusKind


def _form_error(form, exc: DomainError):
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def person_list(request):
    scope.require_perm(request.user, "registry.view")
    params = {k: request.GET.get(k, "").strip() for k in ("q", "region", "status", "group")}
    qs = selectors.person_search(
        user=request.user, text=params["q"], region_code=params["region"], status=params["status"], group=params["group"]
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    region_names = dict(Region.objects.filter(code__in={p.region_code for p in page}).values_list("code", "name"))
    rows = [
        {"p": p, "age": selectors.shown_person_age(p, today), "region": region_names.get(p.region_code, p.region_code)}
        for p in page
    ]
    return render(request, "registry/person_list.html", {
        "page": page, "rows": rows, "params": params, "status_choices": StatusKind.choices,
        "can_edit": scope.has_perm(request.user, "registry.edit"),
    })


@login_required
def person_detail(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id)
    today = timezone.localdate()
    return render(request, "registry/person_detail.html", {
        "person": person,
        "birth_month": shown_birth(person.birth_date),
        "age": selectors.shown_person_age(person, today),
        "groups": selectors.derived_groups(person, today),
        "current": selectors.statuses_on(person, today),
        "statuses": person.statuses.all().order_by("-valid_from"),
        "contacts": person.contacts.all(),
        "history": selectors.person_history(person)[:50],
        "region": region_label(person.region_code),
        "status_form": StatusForm(initial={"valid_from": today}),
        "contact_form": ContactForm(),
        "household": selectors.household_members(person),
        "related": related_links(request.user, person),
        "can_edit": scope.has_perm(request.user, "registry.edit", person.region_code),
        "can_unmask": scope.has_perm(request.user, "pii.unmask", person.region_code),
        "unmasked": None,
    })


def related_links(user, person) -> list[tuple[str, str]]:
    """What other modules offer for this person (`<module>/person.py`: links(user, person))."""
    return [link for module in plugins.optional_submodules("person") for link in module.links(user, person)]


@login_required
@require_POST
def person_unmask(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id)
    try:
        plain = services.person_unmask(
            actor=request.user, person=person, purpose=request.POST.get("purpose", ""), request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/unmasked.html", {"person": person, "plain": plain})


@login_required
def person_create(request):
    scope.require_perm(request.user, "registry.edit")
    form = PersonForm(request.POST or None, initial={"region_code": request.GET.get("region", "")})
    existing_url = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
            existing_url = exc.details.get("url")  # a duplicate inside the caller's scope only
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": person.name})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html",
                  {"form": form, "title": _("登记人员"), "existing_url": existing_url})


@login_required
def person_edit(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    # Coordinates locate the home like the address does: not pre-filled, blank keeps them.
    initial = {"name": person.name, "region_code": person.region_code}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.person_update(actor=request.user, person=person, request=request, **changes)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("registry:person_detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {
        "form": form, "title": _("修改：%(n)s") % {"n": person.name}, "person": person,
        "hint": _("电话、地址和经纬度留空表示不修改（当前：%(p)s，%(a)s）") % {"p": person.phone_masked or "—", "a": person.address_masked or "—"},
    })


@login_required
@require_POST
def status_add(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    form = StatusForm(request.POST)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(map(str, errs))}")
    else:
        try:
            services.status_add(actor=request.user, person=person, request=request, **form.cleaned_data)
            messages.success(request, _("已添加状况"))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
@require_POST
def status_end(request, person_id: int, status_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    status = PersonStatus.objects.filter(pk=status_id, person=person).first()
    if status is None:
        raise NotFound()
    try:
        end = imports.parse_date(request.POST.get("valid_to", ""), "valid_to")
        services.status_end(actor=request.user, status=status, valid_to=end, request=request)
        messages.success(request, _("已终止"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registry:person_detail", person_id=person.pk)


@login_required
def import_list(request):
    scope.require_perm(request.user, "registry.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(actor=request.user, uploaded_file=form.cleaned_data["file"], request=request)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("registry:import_detail", job_id=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:20]
    return render(request, "registry/import_list.html", {"form": form, "jobs": jobs})


@login_required
def import_detail(request, job_id: int):
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    template = "registry/import_progress.html" if request.htmx else "registry/import_detail.html"
    return render(request, template, {"job": job, "rejections": job.rejections[:200]})


@login_required
@require_POST
def import_retry(request, job_id: int):
    selectors.import_job_get(user=request.user, job_id=job_id)  # someone else's job: 404, like its page
    try:
        services.import_retry(actor=request.user, job_id=job_id, request=request)
        messages.success(request, _("已从中断处继续导入"))
    except InvalidInput as exc:  # nothing to retry, or the file is gone; 403/404 go to the error page
        messages.error(request, exc.message)
    return redirect("registry:import_detail", job_id=job_id)


@login_required
def import_rejections(request, job_id: int):
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    body = services.import_rejections_export(actor=request.user, job=job, request=request)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rejections.csv"'
    return response


@login_required
def import_template(request, fmt: str):
    scope.require_perm(request.user, "registry.import")
    if fmt == "xlsx":
        body, ctype = imports.template_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = imports.template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="people-template.{fmt}"'
    return response


@login_required
@require_POST
def contact_add(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{'；'.join(map(str, e))}" for f, e in form.errors.items()))
        return redirect("registry:person_detail", person_id=person.pk)
    data = form.cleaned_data
    try:
        account = services.resident_account_for(data["username"]) if data["username"] else None
        services.family_contact_add(actor=request.user, person=person, name=data["name"], relation=data["relation"],
                                    phone=data["phone"], user=account, request=request)
        messages.success(request, _("已添加联系人"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registry:person_detail", person_id=person.pk)
