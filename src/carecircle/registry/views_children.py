"""Pages of the register of children in difficulty and orphans (Hangzhou 三(二)2: 困境儿童信息台账,
家庭走访、监护评估): the list (with its Excel export), registering a child, a child's page with the
guardianship assessments and home visits, and the form of a guardianship assessment. One view per
action; reads through registry/children.py, writes through registry/children_services.py."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import exports, region_pick, scope
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest
from carecircle.core.vault import shown_birth
from carecircle.registry import children, children_services, selectors
from carecircle.registry.forms_children import ChildRegisterForm, GuardianshipForm
from carecircle.registry.models import Person

PAGE_SIZE = 30
EXPORT_CHUNK = 2000


def _filters(request: AuthedRequest) -> children.ChildFilters:
    get = request.GET
    return children.ChildFilters(
        text=get.get("q", "").strip(),
        region_code=get.get("region", "").strip(),
        kind=get.get("kind", "").strip(),
        outcome=get.get("outcome", "").strip(),
    )


@login_required
def children_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "registry.view")
    filters = _filters(request)
    page = Paginator(children.children_in_difficulty(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    people: list[Person] = list(page)
    today = timezone.localdate()
    kinds = children.child_kind_labels(people, today)
    names = region_pick.names_of({p.region_code for p in people})
    rows = [
        {
            "p": p,
            "age": selectors.shown_person_age(p, today),
            "kinds": kinds.get(p.pk, []),
            "region": names.get(p.region_code, p.region_code),
            "latest": children.latest_assessment(p),
        }
        for p in people
    ]
    return render(
        request,
        "registry/children_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "kind_choices": children.child_kinds(),
            "outcome_choices": children.outcome_filters(),
            "query": request.GET.urlencode(),
            "can_register": scope.has_perm(request.user, "registry.edit"),
            "can_export": scope.has_perm(request.user, "registry.export"),
        },
    )


@login_required
def children_export(request: AuthedRequest) -> HttpResponse:
    """The list as an .xlsx file: names (not codes), personal data masked; audited with its row count."""
    scope.require_perm(request.user, "registry.export")
    filters = _filters(request)
    qs = children.children_in_difficulty(user=request.user, filters=filters, perm="registry.export")
    today = timezone.localdate()
    wb = exports.workbook(write_only=True)
    ws = wb.create_sheet(_("困境儿童台账"))
    exports.sheet_append(
        ws,
        [
            _("姓名"),
            _("性别"),
            _("出生年月"),
            _("年龄"),
            _("身份证号（脱敏）"),
            _("联系电话（脱敏）"),
            _("居住地址（脱敏）"),
            _("所属社区"),
            _("儿童类别"),
            _("最近监护评估日期"),
            _("评估结论"),
            _("监护人"),
        ],
    )
    count = 0
    chunk: list[Person] = []

    def write(people: list[Person]) -> None:
        kinds = children.child_kind_labels(people, today)
        names = region_pick.names_of({p.region_code for p in people})  # this chunk's, not the whole table
        for p in people:
            latest = children.latest_assessment(p)
            exports.sheet_append(
                ws,
                [
                    p.name,
                    p.get_sex_display(),
                    shown_birth(p.birth_date),
                    selectors.shown_person_age(p, today),
                    p.id_masked,
                    p.phone_masked,
                    p.address_masked,
                    names.get(p.region_code, p.region_code),
                    "、".join(kinds.get(p.pk, [])),
                    latest.assessed_on.isoformat() if latest.assessed_on else "",
                    latest.outcome_label,
                    latest.guardian,
                ],
            )

    for person in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(person)
        count += 1
        if len(chunk) == EXPORT_CHUNK:
            write(chunk)
            chunk = []
    write(chunk)
    children_services.children_export_audit(actor=request.user, rows=count, filters=filters, request=request)
    response = HttpResponse(
        exports.xlsx_bytes(wb),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="children-{today.isoformat()}.xlsx"'
    return response


def _register_page(request: AuthedRequest, form: ChildRegisterForm, status: int = 200) -> HttpResponse:
    return render(request, "registry/children_register.html", {"form": form}, status=status)


@login_required
def child_register(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "registry.edit")
    if request.method != "POST":
        codes = scope.region_codes(request.user, "registry.edit")
        return _register_page(
            request,
            ChildRegisterForm(
                user=request.user,
                initial={
                    "valid_from": timezone.localdate(),
                    "region_code": codes[0] if len(codes) == 1 else "",
                },
            ),
        )
    form = ChildRegisterForm(request.POST, user=request.user)
    if not form.submit(partial(children_services.child_register, actor=request.user, request=request)):
        return _register_page(request, form, status=form.failed_status)
    person: Person = form.result
    messages.success(request, _("已登记困境儿童：%(n)s") % {"n": person.name})
    return redirect("registry:child_detail", child_id=person.pk)


def _detail_page(
    request: AuthedRequest, person: Person, *, form: GuardianshipForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    actions = children.child_actions(request.user, person)
    return render(
        request,
        "registry/children_detail.html",
        {
            "person": person,
            "birth_month": shown_birth(person.birth_date),
            "age": selectors.shown_person_age(person, today),
            "region": region_label(person.region_code),
            "kinds": children.child_kind_labels([person], today).get(person.pk, []),
            "statuses": person.statuses.all().order_by("-valid_from"),
            "assessments": children.assessments_of(person),
            "visits": children.home_visits(request.user, person),
            "actions": actions,
            "form": form or GuardianshipForm(initial={"assessed_on": today}),
        },
        status=status,
    )


@login_required
def child_detail(request: AuthedRequest, child_id: int) -> HttpResponse:
    person = children.child_get(user=request.user, child_id=child_id)
    return _detail_page(request, person)


@login_required
def guardianship_new(request: AuthedRequest, child_id: int) -> HttpResponse:
    """The guardianship assessment form (GET: the child's page with it open); POST records one."""
    person = children.child_get(user=request.user, child_id=child_id, perm="registry.edit")
    if request.method != "POST":
        return _detail_page(request, person)
    form = GuardianshipForm(request.POST)
    if not form.submit(
        partial(children_services.guardianship_assess, actor=request.user, person=person, request=request)
    ):
        return _detail_page(request, person, form=form, status=422)
    messages.success(request, _("已登记%(n)s的监护评估") % {"n": person.name})
    return redirect("registry:child_detail", child_id=person.pk)
