import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.carevisits import forms, selectors, services
from carecircle.carevisits.list_specs import OVERDUE_PLANS, PLANS
from carecircle.carevisits.models import Condition, Frequency, Need, Place, PlanStatus, Seen, VisitGroup
from carecircle.core import exports, list_pages, region_pick, scope
from carecircle.core.errors import InvalidInput
from carecircle.core.navigation import page_url
from carecircle.core.tables import parse_month
from carecircle.core.vault import shown_birth
from carecircle.registry.selectors import shown_person_age


def _month(request) -> tuple[int, int]:
    """?month= (this month when absent); a value that is no month is a 422 naming the month
    (core.tables.parse_month), never silently this month."""
    text = (request.GET.get("month") or "").strip()
    d = parse_month(text, "month") if text else timezone.localdate()
    return d.year, d.month


@login_required
def worklist(request):
    return _worklist_page(request)


def _worklist_page(request, *, failed=None, http_status: int = 200):
    scope.require_perm(request.user, "carevisits.view")
    year, month = _month(request)
    mine = request.GET.get("all") != "1" and scope.has_perm(request.user, "carevisits.visit")
    status = request.GET.get("status", "")
    if status not in ("", "overdue", *PlanStatus.values):
        status = ""
    qs = selectors.worklist(user=request.user, year=year, month=month, mine=mine, status=status)
    page = Paginator(qs, 40).get_page(request.GET.get("page"))
    names = region_pick.names_of(p.region_code for p in page)
    today = timezone.localdate()
    rows = [
        {
            "p": p,
            "region": names.get(p.region_code, p.region_code),
            "overdue": p.status == PlanStatus.PLANNED and p.period_end < today,
        }
        for p in page
    ]
    return render(
        request,
        "carevisits/worklist.html",
        {
            "page": page,
            "rows": rows,
            "month": f"{year}-{month:02d}",
            "mine": mine,
            "status": status,
            "statuses": PlanStatus.choices,
            "can_manage": scope.has_perm(request.user, "carevisits.manage"),
            "failed": failed,
        },
        status=http_status,
    )


@login_required
def overdue(request):
    """The overdue plans on the list component (core/lists.py), then the visits awaiting follow-up."""
    # homecare's order form, prefilled with the person, when that module is part of the platform
    order_url = page_url("homecare:order_new")
    return list_pages.page(
        request,
        OVERDUE_PLANS,
        template="carevisits/overdue.html",
        context={
            "follow": selectors.follow_ups(user=request.user)[:50],
            "order_url": order_url,
            "can_manage": scope.has_perm(request.user, "carevisits.manage"),
        },
    )


@login_required
def plan_list(request):
    """Every visit plan of the manager's regions (core/lists.py): month, status, group, worker."""
    return list_pages.page(request, PLANS, template="carevisits/plans.html", context={"can_manage": True})


def _visit_page(request, plan, *, form=None, status: int = 200):
    post = form.data if form is not None else {}
    error_field = next((f for f in (form.errors if form is not None else {}) if f != "__all__"), "")
    return render(
        request,
        "carevisits/visit_form.html",
        {
            "plan": plan,
            "person": plan.person,
            "age": shown_person_age(plan.person),
            "error": "；".join(form.messages()) if form is not None else "",
            "error_field": error_field,
            "post": post,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "key": post.get("idempotency_key") or uuid.uuid4().hex,
            "places": Place.choices,
            "seens": Seen.choices,
            "conditions": Condition.choices,
            "needs": Need.choices,
            "chosen_needs": form.data.getlist("needs") if form is not None else [],
            "history": plan.person.care_visits.all()[:10],
            "alarms": services.alarms_available(),
        },
        status=status,
    )


@login_required
def visit_new(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, perm="carevisits.visit")
    if request.method != "POST":
        return _visit_page(request, plan)
    form = forms.VisitForm(request.POST)
    if not form.submit(partial(services.visit_record, actor=request.user, plan=plan, request=request)):
        return _visit_page(request, plan, form=form, status=422)
    messages.success(request, _("已记录对%(n)s的探访") % {"n": plan.person.name})
    return redirect("carevisits:worklist")


@login_required
@require_POST
def plan_assign(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, plan_id=plan_id, perm="carevisits.manage")
    form = forms.AssignForm(request.POST)

    def assign(*, username):
        assignee = services.assignee_by_username(username)
        return services.plan_assign(actor=request.user, plan=plan, assignee=assignee, request=request)

    if not form.submit(assign):
        return _worklist_page(request, failed=form, http_status=422)
    messages.success(request, _("已改派：%(n)s") % {"n": plan.person.name})
    nxt = form.cleaned_data.get("next", "")
    return redirect(nxt if nxt.startswith("/carevisits/") and "//" not in nxt else "carevisits:worklist")


@login_required
@require_POST
def follow_up_close(request, visit_id: int):
    visit = selectors.visit_get(user=request.user, visit_id=visit_id, perm="carevisits.visit")
    services.follow_up_close(actor=request.user, visit=visit, request=request)
    return redirect("carevisits:overdue")


@login_required
def coverage(request):
    scope.require_perm(request.user, "carevisits.view")
    year, month = _month(request)
    codes = scope.region_codes(request.user, "carevisits.view")
    region_code = request.GET.get("region") or (codes[0] if codes else "")
    rows = selectors.coverage_by_region(user=request.user, region_code=region_code, year=year, month=month)
    return render(
        request,
        "carevisits/coverage.html",
        {
            "rows": rows,
            "month": f"{year}-{month:02d}",
            "region": region_code,
            "codes": region_pick.names_of(codes),
        },
    )


def _rules_page(request, *, failed=None, status: int = 200):
    scope.require_perm(request.user, "carevisits.view")
    rule_rows = list(selectors.rules_visible(user=request.user))
    names = region_pick.names_of(r.region_code for r in rule_rows)
    codes = scope.region_codes(request.user, "carevisits.manage")
    today = timezone.localdate()
    return render(
        request,
        "carevisits/rules.html",
        {
            "rules": [{"r": r, "region": names.get(r.region_code, r.region_code)} for r in rule_rows],
            "can_manage": scope.has_perm(request.user, "carevisits.manage"),
            "failed": failed,
            "groups": VisitGroup.choices,
            "frequencies": Frequency.choices,
            "codes": region_pick.names_of(codes),
            "rule_form": failed if isinstance(failed, forms.RuleForm) else forms.RuleForm(user=request.user),
            "generate_form": (
                failed if isinstance(failed, forms.GenerateForm) else forms.GenerateForm(user=request.user)
            ),
            "month": f"{today.year}-{today.month:02d}",
        },
        status=status,
    )


@login_required
def rules(request):
    """The rules; a POST saves one (services.rule_set)."""
    if request.method != "POST":
        return _rules_page(request)
    form = forms.RuleForm(request.POST, user=request.user)
    if not form.submit(partial(services.rule_set, actor=request.user, request=request)):
        return _rules_page(request, failed=form, status=422)
    messages.success(request, _("规则已保存"))
    return redirect("carevisits:rules")


@login_required
@require_POST
def plans_generate(request):
    form = forms.GenerateForm(request.POST, user=request.user)

    def generate(*, region_code, month):
        month = month or timezone.localdate()
        return services.plans_generate(
            actor=request.user, region_code=region_code, year=month.year, month=month.month, request=request
        )

    if not form.submit(generate):
        return _rules_page(request, failed=form, status=422)
    month = form.cleaned_data["month"] or timezone.localdate()
    messages.success(
        request,
        _("已生成%(y)d年%(m)d月探访计划：对象%(p)d人，新增计划%(c)d条（已存在的不重复生成）")
        % {"y": month.year, "m": month.month, "p": form.result.people, "c": form.result.created},
    )
    return redirect("carevisits:rules")


def _vulnerable_params(request) -> dict:
    population = request.GET.get("population", "elder")
    return {
        "population": population if population in ("elder", "child") else "elder",
        "group": request.GET.get("group", ""),
        "region_code": request.GET.get("region", "").strip(),
    }


@login_required
def vulnerable(request):
    scope.require_perm(request.user, "carevisits.view")
    params = _vulnerable_params(request)
    error = ""
    try:
        qs = selectors.vulnerable_people(user=request.user, **params)
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
    except InvalidInput as exc:
        error = exc.message
        page = Paginator([], 30).get_page(1)
    people = list(page)
    why = selectors.reasons_for(people, population=params["population"])
    names = region_pick.names_of(p.region_code for p in people)
    groups = selectors.ELDER_GROUPS if params["population"] == "elder" else selectors.CHILD_GROUPS
    return render(
        request,
        "carevisits/vulnerable.html",
        {
            "page": page,
            "error": error,
            "params": params,
            "rows": [
                {
                    "p": p,
                    "age": shown_person_age(p),
                    "why": why.get(p.pk, []),
                    "region": names.get(p.region_code, ""),
                }
                for p in people
            ],
            "groups": [(g, VisitGroup(g).label) for g in groups],
            "can_export": scope.has_perm(request.user, "carevisits.export"),
            "can_manage": scope.has_perm(request.user, "carevisits.manage"),
        },
    )


class _Echo:
    def write(self, value):
        return value


@login_required
def vulnerable_export(request):
    scope.require_perm(request.user, "carevisits.export")
    params = _vulnerable_params(request)
    qs = selectors.vulnerable_people(user=request.user, **params)
    # Only rows in the user's export scope (view scope may be wider than export scope).
    qs = scope.in_scope(qs, request.user, "carevisits.export")
    count = qs.count()
    services.vulnerable_export_audit(actor=request.user, rows=count, filters=params, request=request)
    writer = exports.csv_writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(
            [
                _("姓名"),
                _("性别"),
                _("出生年月"),
                _("身份证号（脱敏）"),
                _("联系电话（脱敏）"),
                _("居住地址（脱敏）"),
                _("所属社区"),
                _("列入原因"),
            ]
        )
        chunk = []
        for p in qs.iterator(chunk_size=2000):
            chunk.append(p)
            if len(chunk) == 2000:
                yield from _lines(chunk)
                chunk = []
        yield from _lines(chunk)

    def _lines(people):
        why = selectors.reasons_for(people, population=params["population"])
        names = region_pick.names_of(p.region_code for p in people)  # this chunk's communities only
        for p in people:
            yield writer.writerow(
                [
                    p.name,
                    p.get_sex_display(),
                    shown_birth(p.birth_date),
                    p.id_masked,
                    p.phone_masked,
                    p.address_masked,
                    names.get(p.region_code, p.region_code),
                    "、".join(why.get(p.pk, [])),
                ]
            )

    # Built whole (not streamed) so that the response can be inspected like any page; a district's
    # list is a few megabytes at most.
    response = HttpResponse("".join(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vulnerable-{params["population"]}.csv"'
    return response
