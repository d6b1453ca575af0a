"""The residents' pages (长辈模式): the home page of big tiles, 一键呼叫 with its confirmation and
state pages, nearby facilities and the ways to apply; and the public pages (no sign-in): the
facility finder and the allowance policies. Written as docs/directory-guide.md "Writing a page"
says: input through forms.py, one view per action, writes in the owning module's services (the
alarm is raised by alarms.services.incident_raise_by_resident), domain errors left to the
middleware. Every page extends templates/portal/base_resident.html (the 长辈模式 switch on top)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecircle.alarms import services as alarms
from carecircle.benefits import selectors as benefits
from carecircle.core import scope
from carecircle.core.errors import Forbidden
from carecircle.core.forms import render_invalid
from carecircle.core.types import AuthedRequest, Request, signed_in
from carecircle.portal import applications, elder, finder, forms, services, tiles, walking

# The steps of an incident as the resident reads them (alarms' states, in plain words).
SOS_STEPS = [
    ("new", gettext_lazy("呼叫已发出，等待呼叫中心接听")),
    ("acknowledged", gettext_lazy("呼叫中心已接听，正在联系您")),
    ("in_progress", gettext_lazy("正在处置")),
    ("dispatched", gettext_lazy("已派人上门，请保持电话畅通")),
    ("on_site", gettext_lazy("救助人员已到达")),
    ("resolved", gettext_lazy("已处理完毕")),
]


def _require_resident(request: AuthedRequest) -> list[tiles.Linked]:
    """The account's persons; an account that is neither a resident nor linked to anyone is refused."""
    persons = tiles.linked(request.user)
    if not persons and not scope.has_perm(request.user, "portal.home"):
        raise Forbidden(_("此页面供老年人本人、家属和婴幼儿家长使用"))
    return persons


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The resident's home page: one screen of big tiles, today's visits, the children's checks."""
    persons = _require_resident(request)
    visits = tiles.today_visits(persons)
    return render(
        request,
        "portal/home.html",
        {
            "persons": persons,
            "tiles": tiles.tiles(persons, len(visits)),
            "visits": visits,
            "children": tiles.children(persons),
            "today": timezone.localdate(),
        },
    )


@require_POST
def elder_switch(request: Request) -> HttpResponse:
    """Switch 长辈模式 on or off: remembered in the browser, and on the account when signed in."""
    form = forms.ElderSwitchForm(request.POST)
    if not form.submit(lambda on: on):
        return HttpResponse(_("请选择开启或关闭长辈模式"), status=422)
    nxt = str(form.cleaned_data.get("next") or "")
    if not url_has_allowed_host_and_scheme(nxt, {request.get_host()}) or not nxt.startswith("/"):
        nxt = resolve_url("portal:public_index")
    response = HttpResponseRedirect(nxt)
    elder.remember(request, response, bool(form.result))
    if signed_in(request.user):
        services.profile_set_elder_mode(user=request.user, on=bool(form.result))
    return response


@login_required
def sos_confirm(request: AuthedRequest) -> HttpResponse:
    """一键呼叫, step 1: the confirmation against an accidental press (whom to call for)."""
    persons = _require_resident(request)
    adults = [p for p in persons if not p.is_child]
    return render(request, "portal/sos_confirm.html", {"persons": adults, "form": forms.SosForm()})


@login_required
@require_POST
def sos_raise(request: AuthedRequest) -> HttpResponse:
    """一键呼叫, step 2: the alarm goes to the call centre; the page then follows the incident."""
    form = forms.SosForm(request.POST)
    if not form.submit(partial(alarms.incident_raise_by_resident, actor=request.user, request=request)):
        persons = [p for p in tiles.linked(request.user) if not p.is_child]
        return render_invalid(request, "portal/sos_confirm.html", {"persons": persons, "form": form})
    return redirect("portal:sos_state", incident_id=form.result.pk)


@login_required
def sos_state(request: AuthedRequest, incident_id: int) -> HttpResponse:
    """一键呼叫, step 3: help is coming, and where the call centre is with it."""
    incident = alarms.incident_for_resident(user=request.user, incident_id=incident_id)
    reached = [state for state, _label in SOS_STEPS].index(incident.state)
    steps = [
        {"label": label, "done": i <= reached, "now": i == reached} for i, (_s, label) in enumerate(SOS_STEPS)
    ]
    return render(request, "portal/sos_state.html", {"incident": incident, "steps": steps})


@login_required
def nearby(request: AuthedRequest) -> HttpResponse:
    """附近设施: facilities nearest the chosen person's home, with free places, fees and grade."""
    persons = _require_resident(request)
    pick = forms.PersonPickForm(request.GET)
    wanted = pick.cleaned_data.get("person") if pick.is_valid() else None
    placed = [p for p in persons if p.person.latitude is not None and p.person.longitude is not None]
    chosen = next((p for p in placed if p.person.pk == wanted), placed[0] if placed else None)
    home = None
    if chosen and chosen.person.latitude is not None and chosen.person.longitude is not None:
        home = (chosen.person.latitude, chosen.person.longitude)
    kind = "" if chosen is None or not chosen.is_child else "childcare_centre"
    found = finder.find(finder.Filters(kind=kind), home=home, limit=walking.CANDIDATES)
    near = (
        walking.nearest(found, home=home, region_code=chosen.person.region_code)
        if chosen and home
        else walking.Nearby(found[:10], by_network=False)
    )
    context = {"persons": placed, "chosen": chosen, "found": near.found, "walk_basis": near.basis}
    return render(request, "portal/nearby.html", context | {"points": [f.point() for f in near.found]})


@login_required
def apply(request: AuthedRequest) -> HttpResponse:
    """我要申请: what the account may apply for (an assessment, a waiting-list place, a 托位), and,
    person by person, each application with its state in plain words (portal/applications.py)."""
    persons = _require_resident(request)
    return render(
        request,
        "portal/apply.html",
        {
            "people": applications.applications_by_person(request.user, persons),
            "has_child": any(p.is_child for p in persons),
            "has_adult": any(not p.is_child for p in persons),
            "sent": request.GET.get("sent") == "1",
        },
    )


# ------------------------------------------------------------------ public (no sign-in)


def public_index(request: Request) -> HttpResponse:
    return render(request, "portal/public_index.html", {})


def public_facilities(request: Request) -> HttpResponse:
    """The facility finder: kind, 普惠, fee range, free places, grade; a list and a map."""
    kinds = finder.kind_choices()
    form = forms.FinderForm(request.GET or None, kinds=kinds)
    context = {"form": form, "found": [], "points": []}
    if request.GET and not form.is_valid():
        return render_invalid(request, "portal/public_facilities.html", context)
    data = form.cleaned_data if request.GET else {}
    found = finder.find(
        finder.Filters(
            kind=data.get("kind") or "",
            puhui=bool(data.get("puhui")),
            fee_min=data.get("fee_min"),
            fee_max=data.get("fee_max"),
            free_only=bool(data.get("free")),
            graded_only=bool(data.get("graded")),
        )
    )
    context.update(found=found, points=[f.point() for f in found])
    return render(request, "portal/public_facilities.html", context)


def public_policies(request: Request) -> HttpResponse:
    """Each allowance's conditions in plain words, generated from its programme rule."""
    return render(
        request,
        "portal/public_policies.html",
        {"policies": benefits.public_policies(day=timezone.localdate())},
    )
