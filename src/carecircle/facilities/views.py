from functools import reduce
from operator import or_

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import DomainError, InvalidInput, NotFound
from carecircle.core.models import Region
from carecircle.core.selectors import region_label
from carecircle.facilities import selectors, services, standards, waiting
from carecircle.facilities.forms import BedsForm, ChangeForm, EvaluationForm, FacilityForm, PersonPickForm
from carecircle.facilities.models import (
    BED_KINDS,
    PUBLIC_KINDS,
    Bed,
    Facility,
    FacilityKind,
    FilingKind,
    FilingStatus,
    Offer,
    Operator,
    Stay,
)
from carecircle.registry.selectors import person_get


def _form_error(form, exc: DomainError):
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# ------------------------------------------------------------------ public


def public_map(request):
    """The public facility map: no login. Markers come from the open GeoJSON endpoint."""
    params = {k: request.GET.get(k, "").strip() for k in ("kind", "region")}
    areas = Region.objects.filter(level__in=[3, 4]).order_by("code").values_list("code", "name", "level")
    return render(request, "facilities/map.html", {
        "params": params, "kinds": FacilityKind.choices, "areas": areas,
        "staff": selectors.visible_to_staff(request.user),
    })


@login_required
def my_waiting(request):
    return render(request, "facilities/my_waiting.html", {"places": waiting.my_places(request.user)})


# ------------------------------------------------------------------ staff


@login_required
def facility_list(request):
    scope.require_perm(request.user, "facilities.view")
    params = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "region", "status")}
    qs = selectors.facility_search(user=request.user, text=params["q"], kind=params["kind"],
                                   region_code=params["region"], status=params["status"])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    free = selectors.free_places(list(page), None)
    grades = selectors.current_grades([f.pk for f in page])
    rows = [{"f": f, "free": free[f.pk], "grade": grades.get(f.pk)} for f in page]
    return render(request, "facilities/list.html", {
        "page": page, "rows": rows, "params": params, "kinds": FacilityKind.choices, "statuses": FilingStatus.choices,
        "can_apply": scope.has_perm(request.user, "facilities.apply"),
        "pending": selectors.filing_queue(user=request.user).count(),
    })


def _operators_for(user):
    qs = Operator.objects.all()
    grants = selectors.facility_grants(user)
    if all(operator is not None for _r, _g, operator, _c in grants):  # acts only for operators
        return qs.filter(pk__in=[operator for _r, _g, operator, _c in grants])
    regions_ = scope.prefixes(user, "facilities.apply")
    return qs.filter(reduce(or_, (Q(region_code__startswith=p) for p in regions_))) if regions_ else qs.none()


@login_required
def facility_apply(request):
    scope.require_perm(request.user, "facilities.apply")
    operators = _operators_for(request.user)
    form = FacilityForm(request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        documents = form.documents()
        data = {k: v for k, v in data.items() if not k.startswith("doc_")}
        operator = operators.get(pk=data.pop("operator"))
        try:
            filing = services.facility_apply(actor=request.user, operator=operator, documents=documents,
                                             request=request, **data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已提交备案申请：%(n)s") % {"n": filing.facility.name})
            return redirect("facilities:detail", facility_id=filing.facility_id)
    return render(request, "facilities/form.html", {"form": form, "title": _("申请设施备案")})


@login_required
def facility_detail(request, facility_id: int):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id)
    today = timezone.localdate()
    user = request.user
    can = {
        "apply": services.reaches(user, "facilities.apply", facility.region_code, facility.operator_id, facility.kind),
        "review": scope.has_perm(user, "facilities.review", facility.region_code),
        "grade": scope.has_perm(user, "facilities.grade", facility.region_code),
        "beds": services.reaches(user, "facilities.beds", facility.region_code, facility.operator_id, facility.kind),
    }
    places = waiting.ranked(facility, today) if facility.kind in PUBLIC_KINDS and facility.is_operating else []
    scheme = None
    try:
        scheme = services.scheme_for(facility.kind)
    except DomainError:
        pass
    stays = Stay.objects.filter(facility=facility, discharged_on__isnull=True).select_related("person", "bed")
    return render(request, "facilities/detail.html", {
        "f": facility, "region": region_label(facility.region_code), "can": can,
        "filings": facility.filings.all(), "evaluations": facility.evaluations.select_related("grade"),
        "grade": selectors.current_grades([facility.pk]).get(facility.pk),
        "free": selectors.free_places([facility], today)[facility.pk],
        "beds": Bed.objects.filter(facility=facility, active=True).count(), "stays": stays[:100],
        "has_beds": facility.kind in BED_KINDS, "places": places,
        "open_offers": Offer.objects.filter(entry__facility=facility, response="open").select_related("entry__person", "bed"),
        "rule": waiting.rule_for(facility, today) if places or facility.kind in PUBLIC_KINDS else None,
        "change_form": ChangeForm(), "eval_form": EvaluationForm(scheme=scheme) if scheme else None,
        "documents": standards.DOCUMENTS, "beds_form": BedsForm(), "pick_form": PersonPickForm(),
        "can_wait": scope.has_perm(user, "facilities.waiting"),
    })


@login_required
@require_POST
def facility_change(request, facility_id: int):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id)
    form = ChangeForm(request.POST)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        changes = {}
        if kind == FilingKind.CHANGE and form.cleaned_data["field"]:
            changes[form.cleaned_data["field"]] = form.cleaned_data["value"]
        try:
            services.filing_submit(actor=request.user, facility=facility, kind=kind, changes=changes,
                                   documents=form.parsed_documents(), note=form.cleaned_data["note"], request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交，等待审核"))
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def facility_evaluate(request, facility_id: int):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.grade")
    form = EvaluationForm(request.POST, scheme=services.scheme_for(facility.kind))
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}: {' '.join(map(str, v))}" for k, v in form.errors.items()))
    else:
        try:
            ev = services.evaluation_record(actor=request.user, facility=facility, scores=form.scores(),
                                            evaluated_on=form.cleaned_data["evaluated_on"], request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("评定结果：%(g)s") % {"g": ev.grade.label if ev.grade else _("未达等级")})
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def offer_next(request, facility_id: int):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")
    try:
        offer = waiting.offer_next(actor=request.user, facility=facility, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已通知第 %(r)d 位：%(n)s，床位 %(b)s") % {
            "r": offer.rank, "n": offer.entry.person.name, "b": offer.bed.code})
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def offer_respond(request, offer_id: int):
    offer = access_by_id(Offer.objects.select_related("entry__facility"), offer_id, user=request.user,
                         perm="facilities.beds",
                         check=lambda u, p, row: selectors.require_facility(u, p, row.entry.facility))
    try:
        waiting.offer_respond(actor=request.user, offer=offer, accept=request.POST.get("accept") == "1",
                              reason=request.POST.get("reason", ""), request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录答复"))
    return redirect("facilities:detail", facility_id=offer.entry.facility_id)


@login_required
def filing_queue(request):
    scope.require_perm(request.user, "facilities.view")
    state = request.GET.get("state", "pending")
    qs = selectors.filing_queue(user=request.user, state=state if state != "all" else "")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "facilities/filings.html", {"page": page, "state": state})


@login_required
def filing_detail(request, filing_id: int):
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    if request.method == "POST":
        try:
            services.filing_review(actor=request.user, filing=filing, approve=request.POST.get("approve") == "1",
                                   reasons=request.POST.get("reasons", ""), request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("审核结果已保存"))
            return redirect("facilities:filings")
    required = services.required_documents(filing)
    return render(request, "facilities/filing.html", {
        "filing": filing, "f": filing.facility,
        "docs": [(c, standards.DOCUMENTS[c], filing.documents.get(c, "")) for c in required],
        "extra_docs": {c: v for c, v in filing.documents.items() if c not in required},
        "can_review": scope.has_perm(request.user, "facilities.review", filing.region_code),
    })


def _person(request, form):
    return person_get(user=request.user, person_id=form.cleaned_data["person_id"])


@login_required
@require_POST
def beds_add(request, facility_id: int):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")
    form = BedsForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("请填写床位类型和张数"), field="count")
        beds = services.beds_add(actor=request.user, facility=facility, kind=form.cleaned_data["kind"],
                                 count=form.cleaned_data["count"], request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记 %(n)d 张床位") % {"n": len(beds)})
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def admit(request, facility_id: int):
    """Direct admission (private institutions; public ones admit through the waiting list's offers)."""
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")
    form = PersonPickForm(request.POST)
    try:
        if facility.kind in PUBLIC_KINDS:
            raise InvalidInput(_("公办（公建民营）机构须按轮候顺序通知入住"), field="person_id")
        if not form.is_valid():
            raise InvalidInput(_("请填写人员编号"), field="person_id")
        stay = services.stay_admit(actor=request.user, facility=facility, person=_person(request, form),
                                   kind=form.cleaned_data["bed_kind"], day=timezone.localdate(), request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已入住：床位 %(b)s") % {"b": stay.bed.code})
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def discharge(request, stay_id: int):
    stay = access_by_id(Stay.objects.select_related("facility"), stay_id, user=request.user, perm="facilities.beds",
                        check=lambda u, p, row: selectors.require_facility(u, p, row.facility))
    try:
        services.stay_discharge(actor=request.user, stay=stay, day=timezone.localdate(),
                                reason=request.POST.get("reason", ""), request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已办理离院"))
    return redirect("facilities:detail", facility_id=stay.facility_id)


@login_required
@require_POST
def waiting_add(request, facility_id: int):
    # Public institutions are public knowledge (the map): a community worker may register one of
    # their elders at any of them of their district; the service checks the reach over the person.
    # Organisation roles register no one (they act for their institution, not for residents).
    scope.require_perm(request.user, "facilities.waiting")
    facility = Facility.objects.filter(pk=facility_id, kind__in=PUBLIC_KINDS, status=FilingStatus.FILED).first()
    if facility is None or not any(facility.region_code.startswith(p[:6]) for p in waiting.registrar_prefixes(request.user)):
        raise NotFound()
    form = PersonPickForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("请填写人员编号"), field="person_id")
        entry = waiting.waiting_apply(actor=request.user, facility=facility, person=_person(request, form),
                                      bed_kind=form.cleaned_data["bed_kind"], request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记轮候：%(n)s") % {"n": entry.person.name})
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
def waiting_list(request):
    """The waiting entries a worker may see (their elders, or their institutions') with current places."""
    scope.require_perm(request.user, "facilities.waiting")
    entries = list(waiting.entries_for(user=request.user).filter(state__in=["waiting", "offered"])[:200])
    ranks = {p.entry.pk: (p.rank, p.reason)
             for places in waiting.ranked_many({e.facility for e in entries}).values() for p in places}
    rows = [{"e": e, "rank": ranks.get(e.pk, (None, ""))[0], "reason": ranks.get(e.pk, (None, ""))[1]} for e in entries]
    return render(request, "facilities/waiting.html", {"rows": rows})


@login_required
@require_POST
def waiting_withdraw(request, entry_id: int):
    entry = waiting.entry_get(user=request.user, entry_id=entry_id)
    try:
        waiting.waiting_withdraw(actor=request.user, entry=entry, reason=request.POST.get("reason", ""), request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销轮候：%(n)s") % {"n": entry.person.name})
    return redirect("facilities:waiting")
