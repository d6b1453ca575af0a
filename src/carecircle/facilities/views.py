"""Pages of facilities: the public map, the staff's facility pages (filings, grading, beds,
admissions, the waiting list) and the review of filings. Written as docs/directory-guide.md,
"Writing a page" says: input through forms.py, one service per view, a bad value shown again on
the page (422), refusals and conflicts to the error page; the offer's answers from
selectors.offer_actions."""

from collections.abc import Callable
from functools import partial, reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import list_pages, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.forms import INVALID_STATUS, ServiceForm, render_invalid
from carecircle.core.models import Region
from carecircle.core.selectors import region_label
from carecircle.core.types import AuthedRequest, Request, Viewer
from carecircle.facilities import list_specs, selectors, services, standards, subsidies, waiting
from carecircle.facilities.forms import (
    ActionForm,
    BedsForm,
    ChangeForm,
    EvaluationForm,
    FacilityForm,
    OfferRespondForm,
    PersonPickForm,
    ReasonForm,
    ReviewForm,
    change_document_hints,
)
from carecircle.facilities.models import (
    BED_KINDS,
    CENTRE_KINDS,
    INSTITUTION_KINDS,
    PUBLIC_KINDS,
    Bed,
    Facility,
    FacilityKind,
    FilingStatus,
    Offer,
    Operator,
    Stay,
)
from carecircle.registry.models import Person

# ------------------------------------------------------------------ public


def public_map(request: Request) -> HttpResponse:
    """The public facility map: no login. Markers come from the open GeoJSON endpoint."""
    params = {k: request.GET.get(k, "").strip() for k in ("kind", "region")}
    areas = Region.objects.filter(level__in=[3, 4]).order_by("code").values_list("code", "name", "level")
    return render(
        request,
        "facilities/map.html",
        {
            "params": params,
            "kinds": FacilityKind.choices,
            "areas": areas,
            "staff": selectors.visible_to_staff(request.user),
        },
    )


@login_required
def my_waiting(request: AuthedRequest) -> HttpResponse:
    return render(request, "facilities/my_waiting.html", {"places": waiting.my_places(request.user)})


# ------------------------------------------------------------------ staff


@login_required
def facility_list(request: AuthedRequest) -> HttpResponse:
    """The facilities on the list component (list_specs.FACILITIES): count, pages, sort, filters,
    导出Excel; an operator's admin sees its own facilities only."""
    return list_pages.page(
        request,
        list_specs.FACILITIES,
        template="facilities/list.html",
        context={
            "can_apply": scope.has_perm(request.user, "facilities.apply"),
            "pending": selectors.filing_queue(user=request.user).count(),
        },
    )


@login_required
def stay_list(request: AuthedRequest) -> HttpResponse:
    """The register of stays (床位与入住): current and past residents of the user's facilities."""
    return list_pages.page(request, list_specs.STAYS, template="facilities/stays.html")


def _operators_for(user: Viewer) -> QuerySet[Operator]:
    qs = Operator.objects.all()
    grants = selectors.facility_grants(user)
    if all(operator is not None for _r, _g, operator, _c in grants):  # acts only for operators
        return qs.filter(pk__in=[operator for _r, _g, operator, _c in grants])
    regions_ = scope.prefixes(user, "facilities.apply")
    return qs.filter(reduce(or_, (Q(region_code__startswith=p) for p in regions_))) if regions_ else qs.none()


@login_required
def facility_apply(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "facilities.apply")
    form = FacilityForm(request.POST or None, operators=_operators_for(request.user))
    ctx = {"form": form, "title": _("申请设施备案")}
    if request.method != "POST":
        return render(request, "facilities/form.html", ctx)
    if not form.submit(partial(services.facility_apply, actor=request.user, request=request)):
        return render_invalid(request, "facilities/form.html", ctx)
    filing = form.result
    messages.success(request, _("已提交备案申请：%(n)s") % {"n": filing.facility.name})
    return redirect("facilities:detail", facility_id=filing.facility_id)


def _scheme(facility: Facility) -> str | None:
    """The grading scheme of the facility's kind (None: its kind is not graded)."""
    return services.scheme_for(facility.kind) if facility.kind in INSTITUTION_KINDS | CENTRE_KINDS else None


def _detail_page(
    request: AuthedRequest, facility: Facility, *, failed: ServiceForm | None = None, status: int = 200
) -> HttpResponse:
    """The facility's page; `failed` is the form of one of its actions that came back with errors
    (shown again in its place, its messages on top)."""
    today = timezone.localdate()
    user = request.user
    can = {
        "apply": services.reaches(
            user, "facilities.apply", facility.region_code, facility.operator_id, facility.kind
        ),
        "review": scope.has_perm(user, "facilities.review", facility.region_code),
        "grade": scope.has_perm(user, "facilities.grade", facility.region_code),
        "beds": services.reaches(
            user, "facilities.beds", facility.region_code, facility.operator_id, facility.kind
        ),
        # the direct admission picks a person of the register (staff); an operator's admin sees no
        # register and finds its applicants through the admission desk (views_admission.py)
        "pick": scope.has_perm(user, "registry.view", facility.region_code),
    }
    places = (
        waiting.ranked(facility, today) if facility.kind in PUBLIC_KINDS and facility.is_operating else []
    )
    scheme = _scheme(facility)
    stays = Stay.objects.filter(facility=facility, discharged_on__isnull=True).select_related("person", "bed")
    offers = Offer.objects.filter(entry__facility=facility, response="open").select_related(
        "entry__person", "bed"
    )
    page_forms: dict[str, ServiceForm | None] = {
        "change_form": ChangeForm(facility=facility),
        "eval_form": EvaluationForm(scheme=scheme) if scheme else None,
        "beds_form": BedsForm(),
        "pick_form": PersonPickForm(),
    }
    for name, form in page_forms.items():
        if failed is not None and form is not None and type(failed) is type(form):
            page_forms[name] = failed
    return render(
        request,
        "facilities/detail.html",
        {
            "f": facility,
            "region": region_label(facility.region_code),
            "can": can,
            "filings": facility.filings.all(),
            "evaluations": facility.evaluations.select_related("grade"),
            "grade": selectors.current_grades([facility.pk]).get(facility.pk),
            "subsidy": subsidies.operating_subsidy(facility, today)
            if facility.kind in CENTRE_KINDS
            else None,
            "free": selectors.free_places([facility], today)[facility.pk],
            "beds": Bed.objects.filter(facility=facility, active=True).count(),
            "stays": stays[:100],
            "has_beds": facility.kind in BED_KINDS,
            "places": places,
            "open_offers": [(o, selectors.offer_actions(user, o)) for o in offers],
            "rule": waiting.rule_for(facility, today) if places or facility.kind in PUBLIC_KINDS else None,
            "document_hints": change_document_hints(),
            "can_wait": scope.has_perm(user, "facilities.waiting"),
            "failed": failed,
            **page_forms,
        },
        status=status,
    )


@login_required
def facility_detail(request: AuthedRequest, facility_id: int) -> HttpResponse:
    return _detail_page(request, selectors.facility_get(user=request.user, facility_id=facility_id))


def _act(
    request: AuthedRequest,
    facility: Facility,
    form: ServiceForm,
    call: Callable[..., Any],
    done: Callable[[Any], str],
) -> HttpResponse:
    """One action on the facility's page: the form's values go to `call`; a bad value comes back on
    the page (422), a refusal or a conflict goes to the error page (core.middleware); success says
    `done(result)` and goes back to the facility."""
    if not form.submit(call):
        # the page again only for those who may see it (a worker registers elders at any public
        # institution of their district, but sees the pages of their own area's only)
        shown = selectors.facility_get(user=request.user, facility_id=facility.pk)
        return _detail_page(request, shown, failed=form, status=INVALID_STATUS)
    messages.success(request, done(form.result))
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def facility_change(request: AuthedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=facility_id)
    return _act(
        request,
        facility,
        ChangeForm(request.POST, facility=facility),
        partial(services.filing_submit, actor=request.user, facility=facility, request=request),
        lambda _filing: _("已提交，等待审核"),
    )


@login_required
@require_POST
def facility_evaluate(request: AuthedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.grade")
    return _act(
        request,
        facility,
        EvaluationForm(request.POST, scheme=services.scheme_for(facility.kind)),
        partial(services.evaluation_record, actor=request.user, facility=facility, request=request),
        lambda ev: _("评定结果：%(g)s") % {"g": ev.grade.label if ev.grade else _("未达等级")},
    )


@login_required
@require_POST
def offer_next(request: AuthedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")
    return _act(
        request,
        facility,
        ActionForm(request.POST),
        partial(waiting.offer_next, actor=request.user, facility=facility, request=request),
        lambda offer: (
            _("已通知第 %(r)d 位：%(n)s，床位 %(b)s")
            % {"r": offer.rank, "n": offer.entry.person.name, "b": offer.bed.code}
        ),
    )


@login_required
@require_POST
def offer_respond(request: AuthedRequest, offer_id: int) -> HttpResponse:
    offer = access_by_id(
        Offer.objects.select_related("entry__facility"),
        offer_id,
        user=request.user,
        perm="facilities.beds",
        check=lambda u, p, row: selectors.require_facility(u, p, row.entry.facility),
    )
    return _act(
        request,
        offer.entry.facility,
        OfferRespondForm(request.POST),
        partial(waiting.offer_respond, actor=request.user, offer=offer, request=request),
        lambda _offer: _("已记录答复"),
    )


@login_required
def filing_queue(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "facilities.view")
    state = request.GET.get("state", "pending")
    qs = selectors.filing_queue(user=request.user, state=state if state != "all" else "")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "facilities/filings.html", {"page": page, "state": state})


def _declared(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """A filing's declared figures as the page shows them: each field's Chinese label (the model's)
    and its value (a list of services joined)."""
    labels = {f.name: str(f.verbose_name) for f in Facility._meta.get_fields() if hasattr(f, "verbose_name")}
    out = []
    for field, value in changes.items():
        label = labels.get(field, field) if field in standards.EDITABLE else field
        shown = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
        out.append((label, shown))
    return out


@login_required
def filing_detail(request: AuthedRequest, filing_id: int) -> HttpResponse:
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.submit(partial(services.filing_review, actor=request.user, filing=filing, request=request)):
            messages.success(request, _("审核结果已保存"))
            return redirect("facilities:filings")
        filing.refresh_from_db()
    required = services.required_documents(filing)
    return render(
        request,
        "facilities/filing.html",
        {
            "filing": filing,
            "f": filing.facility,
            "form": form,
            "docs": [(c, standards.DOCUMENTS[c], filing.documents.get(c, "")) for c in required],
            "extra_docs": {c: v for c, v in filing.documents.items() if c not in required},
            "changes": _declared(filing.changes),
            "can_review": scope.has_perm(request.user, "facilities.review", filing.region_code),
        },
        status=INVALID_STATUS if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def beds_add(request: AuthedRequest, facility_id: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")
    return _act(
        request,
        facility,
        BedsForm(request.POST),
        partial(services.beds_add, actor=request.user, facility=facility, request=request),
        lambda beds: _("已登记 %(n)d 张床位") % {"n": len(beds)},
    )


@login_required
@require_POST
def admit(request: AuthedRequest, facility_id: int) -> HttpResponse:
    """Direct admission (private institutions; public ones admit through the waiting list's offers)."""
    facility = selectors.facility_get(user=request.user, facility_id=facility_id, perm="facilities.beds")

    def admit_directly(*, person: Person, bed_kind: str) -> Stay:
        if facility.kind in PUBLIC_KINDS:
            raise InvalidInput(_("公办（公建民营）机构须按轮候顺序通知入住"), field="person")
        return services.stay_admit(
            actor=request.user,
            facility=facility,
            person=person,
            kind=bed_kind,
            day=timezone.localdate(),
            request=request,
        )

    return _act(
        request,
        facility,
        PersonPickForm(request.POST, user=request.user),
        admit_directly,
        lambda stay: _("已入住：床位 %(b)s") % {"b": stay.bed.code},
    )


@login_required
@require_POST
def discharge(request: AuthedRequest, stay_id: int) -> HttpResponse:
    stay = access_by_id(
        Stay.objects.select_related("facility"),
        stay_id,
        user=request.user,
        perm="facilities.beds",
        check=lambda u, p, row: selectors.require_facility(u, p, row.facility),
    )
    return _act(
        request,
        stay.facility,
        ReasonForm(request.POST),
        partial(
            services.stay_discharge, actor=request.user, stay=stay, day=timezone.localdate(), request=request
        ),
        lambda _stay: _("已办理离院"),
    )


@login_required
@require_POST
def waiting_add(request: AuthedRequest, facility_id: int) -> HttpResponse:
    # Public institutions are public knowledge (the map): a community worker may register one of
    # their elders at any of them of their district; the service checks the reach over the person.
    # Organisation roles register no one (they act for their institution, not for residents).
    scope.require_perm(request.user, "facilities.waiting")
    facility = Facility.objects.filter(
        pk=facility_id, kind__in=PUBLIC_KINDS, status=FilingStatus.FILED
    ).first()
    if facility is None or not any(
        facility.region_code.startswith(p[:6]) for p in waiting.registrar_prefixes(request.user)
    ):
        raise NotFound()
    return _act(
        request,
        facility,
        PersonPickForm(request.POST, user=request.user),
        partial(waiting.waiting_apply, actor=request.user, facility=facility, request=request),
        lambda entry: _("已登记轮候：%(n)s") % {"n": entry.person.name},
    )


def _waiting_page(
    request: AuthedRequest, *, failed: ServiceForm | None = None, status: int = 200
) -> HttpResponse:
    """The waiting list after a withdrawal that came back with errors (422), its form on top."""
    context, _query = list_pages.listing(list_specs.WAITING, request)
    context.update(_waiting_context(request), form=failed)
    return render(request, "facilities/waiting.html", context, status=status)


def _waiting_context(request: AuthedRequest) -> dict[str, Any]:
    return {"can_admit": scope.has_perm(request.user, "facilities.beds")}


@login_required
def waiting_list(request: AuthedRequest) -> HttpResponse:
    """The waiting entries a worker may see (their elders, or their institutions') on the list
    component (list_specs.WAITING), with each open entry's current place and its withdrawal."""
    return list_pages.page(
        request, list_specs.WAITING, template="facilities/waiting.html", context=_waiting_context(request)
    )


@login_required
@require_POST
def waiting_withdraw(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = waiting.entry_get(user=request.user, entry_id=entry_id)
    form = ReasonForm(request.POST)
    if not form.submit(partial(waiting.waiting_withdraw, actor=request.user, entry=entry, request=request)):
        return _waiting_page(request, failed=form, status=INVALID_STATUS)
    messages.success(request, _("已撤销轮候：%(n)s") % {"n": entry.person.name})
    return redirect("facilities:waiting")
