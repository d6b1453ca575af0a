"""The time bank's pages: the volunteers' and older people's phone-first pages (mine, register,
request detail and its actions, give, donate) and the staff pages (lists in views_staff.py).
Written as docs/directory-guide.md "Writing a page" says: one view per action, input through
forms.py, one service per POST, an InvalidInput shown on the form (422), every other refusal on the
middleware's error page."""

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core import region_pick
from carecircle.timebank import forms, selectors, services
from carecircle.timebank.models import RequestStatus, Skill


def _mine_context(request):
    user = request.user
    volunteer = selectors.volunteer_of(user)
    return {
        "volunteer": volunteer,
        "balance": selectors.volunteer_balance(volunteer) if volunteer else None,
        "open": selectors.open_requests_for(volunteer) if volunteer else [],
        "taken": list(selectors.volunteer_requests(volunteer)[:30]) if volunteer else [],
        "people": selectors.person_balances(user),
        "family_requests": list(selectors.family_requests(user)[:30]),
        "done": RequestStatus.DONE,
    }


@login_required
def mine(request):
    """The one phone page of a volunteer and of an older person's side: balance, requests to take,
    own requests and the ones waiting for a confirmation."""
    return render(request, "timebank/mine.html", _mine_context(request))


def _register_page(request, form, status=200):
    return render(request, "timebank/register.html", {"form": form, "skills": Skill.choices}, status=status)


@login_required
def register(request):
    communities = selectors.communities()
    if request.method != "POST":
        return _register_page(request, forms.VolunteerForm(communities=communities))
    form = forms.VolunteerForm(request.POST, communities=communities)
    if not form.submit(partial(services.volunteer_register, actor=request.user, request=request)):
        return _register_page(request, form, status=form.failed_status)
    messages.success(request, _("已登记为志愿者，可以接单了"))
    return redirect("timebank:mine")


def _post_page(request, form, person, status=200):
    return render(
        request,
        "timebank/request_new.html",
        {
            "form": form,
            "fixed": person,
            "people": selectors.family_people(request.user) if person is None else [],
            "skills": Skill.choices,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def request_new(request):
    """Post a request for help: for oneself or a relative (the portal account), or as a worker for a
    person of one's regions (reached from the person's page with ?person=<id>)."""
    people = selectors.postable_people(request.user)
    family = selectors.family_people(request.user)
    if request.method != "POST":
        wanted = str(request.GET.get("person") or "")
        fixed = people.filter(pk=wanted).first() if wanted.isdigit() else None
        fixed = None if fixed is not None and family.filter(pk=fixed.pk).exists() else fixed
        return _post_page(request, forms.RequestForm(people=people), fixed)
    form = forms.RequestForm(request.POST, people=people)
    if not form.submit(partial(services.request_post, actor=request.user, request=request)):
        chosen = form.cleaned_data.get("person") if hasattr(form, "cleaned_data") else None
        fixed = chosen if chosen is not None and not family.filter(pk=chosen.pk).exists() else None
        return _post_page(request, form, fixed, status=form.failed_status)
    messages.success(request, _("需求已发布，志愿者接单后会通知您"))
    return redirect("timebank:request_detail", help_request_id=form.result.pk)


def _detail_page(request, req, failed=None, status=200):
    return render(
        request,
        "timebank/request_detail.html",
        {
            "r": req,
            "region": region_pick.label_of(req.region_code),
            "actions": selectors.request_actions(request.user, req),
            "entries": req.entries.prefetch_related("lines__account").order_by("id"),
            "failed": failed,
        },
        status=status,
    )


@login_required
def request_detail(request, help_request_id: int):
    return _detail_page(request, selectors.request_get(user=request.user, request_id=help_request_id))


def _act(request, help_request_id, form_class, service, done):
    req = selectors.request_get(user=request.user, request_id=help_request_id)
    form = form_class(request.POST)
    if not form.submit(partial(service, actor=request.user, help_request=req, request=request)):
        return _detail_page(request, req, failed=form, status=form.failed_status)
    messages.success(request, done)
    return redirect("timebank:request_detail", help_request_id=req.pk)


@login_required
@require_POST
def request_take(request, help_request_id: int):
    return _act(
        request, help_request_id, forms.EmptyForm, services.request_take, _("已接单，请按约定时间上门")
    )


@login_required
@require_POST
def request_check_in(request, help_request_id: int):
    return _act(request, help_request_id, forms.PositionForm, services.request_check_in, _("已签到"))


@login_required
@require_POST
def request_check_out(request, help_request_id: int):
    return _act(
        request,
        help_request_id,
        forms.PositionForm,
        services.request_check_out,
        _("已签退，请老人或家属确认时长"),
    )


@login_required
@require_POST
def request_confirm(request, help_request_id: int):
    return _act(
        request, help_request_id, forms.ConfirmForm, services.request_confirm, _("时长已确认，时间已入账")
    )


@login_required
@require_POST
def request_cancel(request, help_request_id: int):
    return _act(request, help_request_id, forms.EmptyForm, services.request_cancel, _("需求已取消"))


def _give_page(request, give=None, donate=None, status=200):
    volunteer = selectors.volunteer_of(request.user)
    people = selectors.family_people(request.user).exclude(user=request.user)
    return render(
        request,
        "timebank/give.html",
        {
            "volunteer": volunteer,
            "balance": selectors.volunteer_balance(volunteer) if volunteer else None,
            "people": people,
            "give": give,
            "donate": donate,
            "token": uuid.uuid4().hex,
        },
        status=status,
    )


@login_required
def give(request):
    """Give hours to a relative (a consented family link), or see the form."""
    if request.method != "POST":
        return _give_page(request)
    people = selectors.family_people(request.user)
    form = forms.GiveForm(request.POST, people=people)
    if not form.submit(partial(services.hours_give, actor=request.user, request=request)):
        return _give_page(request, give=form, status=form.failed_status)
    messages.success(request, _("时间已转赠"))
    return redirect("timebank:mine")


@login_required
def donate(request):
    if request.method != "POST":
        return _give_page(request)
    form = forms.DonateForm(request.POST)
    if not form.submit(partial(services.hours_donate, actor=request.user, request=request)):
        return _give_page(request, donate=form, status=form.failed_status)
    messages.success(request, _("感谢捐赠，时间已存入互助池"))
    return redirect("timebank:mine")
