import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.assessment import capability, selectors, services
from carecircle.assessment.models import AssessmentReason, CheckKind, ReferralStatus
from carecircle.core import scope
from carecircle.core.errors import DomainError, InvalidInput
from carecircle.core.models import Region
from carecircle.core.selectors import region_label
from carecircle.core.vault import shown_age_months
from carecircle.registry.selectors import person_get, shown_person_age


@login_required
def assessment_list(request):
    scope.require_perm(request.user, "assessment.view")
    level = request.GET.get("level", "")
    region = request.GET.get("region", "").strip()
    error = ""
    try:
        qs = selectors.assessment_list(user=request.user, region_code=region,
                                       level=int(level) if level.isdigit() and int(level) <= 4 else None)
    except InvalidInput as exc:
        error, qs = exc.message, selectors.assessment_list(user=request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    counts = selectors.level_counts(user=request.user)
    levels = [(i, str(n), counts.get(i, 0)) for i, n in enumerate(capability.LEVEL_NAMES)]
    return render(request, "assessment/list.html", {
        "page": page, "levels": levels, "level": level, "region": region, "error": error,
    })


@login_required
def people(request):
    scope.require_perm(request.user, "assessment.record")
    group = request.GET.get("group", "senior80")
    if group not in ("senior80", "elder", "infant"):
        group = "senior80"
    text = request.GET.get("q", "")
    unassessed = request.GET.get("all") != "1"
    qs = selectors.people_to_assess(user=request.user, group=group, text=text, unassessed_only=unassessed)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    names = dict(Region.objects.filter(code__in={p.region_code for p in page}).values_list("code", "name"))
    rows = [{"p": p, "age": shown_person_age(p), "region": names.get(p.region_code, p.region_code)} for p in page]
    return render(request, "assessment/people.html", {
        "page": page, "rows": rows, "group": group, "q": text, "unassessed": unassessed,
    })


def _int_or_none(v):
    v = (v or "").strip()
    return int(v) if v.lstrip("-").isdigit() else v or None


@login_required
def assessment_new(request, person_id: int):
    person = person_get(user=request.user, person_id=person_id, perm="assessment.record")
    today = timezone.localdate()
    values = {code: request.POST.get(code, "") for code in capability.ITEMS}
    error, error_field = "", ""
    form = {
        "assessed_on": request.POST.get("assessed_on", today.isoformat()),
        "reason": request.POST.get("reason", AssessmentReason.ROUTINE if selectors.person_assessments(person).exists()
                                   else AssessmentReason.FIRST),
        "coma": request.POST.get("coma") == "on",
        "dementia": request.POST.get("dementia") == "on",
        "risk_events_30d": request.POST.get("risk_events_30d", "0"),
        "note": request.POST.get("note", ""),
    }
    if request.method == "POST":
        try:
            try:
                assessed_on = datetime.date.fromisoformat(form["assessed_on"])
            except ValueError:
                raise InvalidInput(_("评估日期格式不正确"), field="assessed_on") from None
            risk = _int_or_none(form["risk_events_30d"]) or 0
            if not isinstance(risk, int):
                raise InvalidInput(_("近30天照护风险事件次数应为整数"), field="risk_events_30d")
            record = services.assessment_record(
                actor=request.user, person=person, assessed_on=assessed_on,
                answers={k: _int_or_none(v) for k, v in values.items()}, coma=form["coma"],
                dementia_or_mental_disorder=form["dementia"], risk_events_30d=risk, reason=form["reason"],
                note=form["note"], request=request,
            )
        except DomainError as exc:
            error, error_field = str(exc.message), (exc.field or "").removeprefix("answers.")
        else:
            messages.success(request, _("评估已保存：%(l)s") % {"l": capability.level_name(record.final_level)})
            return redirect("assessment:detail", assessment_id=record.pk)
    dims = [
        {"d": d, "items": [{"i": i, "value": values[i.code], "error": error_field == i.code} for i in d.items]}
        for d in capability.DIMENSIONS
    ]
    return render(request, "assessment/form.html", {
        "person": person, "age": shown_person_age(person), "dims": dims, "form": form, "error": error,
        "error_field": error_field, "reasons": AssessmentReason.choices,
        "history": selectors.person_assessments(person)[:10],
    })


@login_required
def assessment_detail(request, assessment_id: int):
    a = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    dims = []
    for d in capability.DIMENSIONS:
        items = [{"i": i, "score": a.answers.get(i.code), "text": i.option_text(a.answers[i.code])} for i in d.items]
        dims.append({"d": d, "items": items, "score": a.dimension_scores[d.code]})
    return render(request, "assessment/report.html", {
        "a": a, "person": a.person, "age": shown_person_age(a.person, a.assessed_on), "dims": dims,
        "region": region_label(a.region_code), "total_max": capability.TOTAL_MAX,
        "preliminary_name": capability.level_name(a.preliminary_level),
        "final_name": capability.level_name(a.final_level),
        "can_record": scope.has_perm(request.user, "assessment.record", a.region_code),
    })


# ------------------------------------------------------------------ infant checks

def _check_data(kind: str, post) -> dict:
    if kind in ("hearing", "vision"):
        return {k: post.get(k, "") for k in ("left", "right", "method", "findings")}
    if kind == "growth":
        return {"weight_kg": post.get("weight_kg", ""), "length_cm": post.get("length_cm", "")}
    answers = []
    for i in range(1, 21):
        v = post.get(f"q{i}", "")
        answers.append(True if v == "yes" else False if v == "no" else None)
    data: dict[str, list] = {"answers": answers}
    if post.get("follow_up_done") == "on":
        data["follow_up_failed"] = [int(x) for x in post.getlist("follow_up_failed") if x.isdigit()]
    return data


@login_required
def check_new(request, person_id: int):
    person = person_get(user=request.user, person_id=person_id, perm="assessment.record")
    kind = request.POST.get("kind") or request.GET.get("kind") or CheckKind.GROWTH
    if kind not in CheckKind.values:
        kind = CheckKind.GROWTH
    today = timezone.localdate()
    error, error_field = "", ""
    if request.method == "POST":
        try:
            try:
                checked_on = datetime.date.fromisoformat(request.POST.get("checked_on", ""))
            except ValueError:
                raise InvalidInput(_("检查日期格式不正确"), field="checked_on") from None
            check = services.child_check_record(actor=request.user, person=person, kind=kind, checked_on=checked_on,
                                                data=_check_data(kind, request.POST), request=request)
        except DomainError as exc:
            error, error_field = str(exc.message), exc.field or ""
        else:
            messages.success(request, _("已记录：%(r)s") % {"r": check.result})
            return redirect("assessment:check_new", person_id=person.pk)
    return render(request, "assessment/check_form.html", {
        "person": person, "kind": kind, "kinds": CheckKind.choices, "error": error, "error_field": error_field,
        "post": request.POST, "today": today.isoformat(),
        "months": shown_age_months(person.birth_date, today),
        "mchat_items": range(1, 21), "history": selectors.person_checks(person)[:20],
    })


@login_required
def referral_list(request):
    scope.require_perm(request.user, "assessment.view")
    page = Paginator(selectors.referral_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "assessment/referrals.html", {
        "page": page, "statuses": [(ReferralStatus.REFERRED, ReferralStatus.REFERRED.label),
                                   (ReferralStatus.CLOSED, ReferralStatus.CLOSED.label)],
        "can_record": scope.has_perm(request.user, "assessment.record"),
    })


@login_required
@require_POST
def referral_update(request, check_id: int):
    check = selectors.check_get(user=request.user, check_id=check_id, perm="assessment.record")
    try:
        services.referral_update(actor=request.user, check=check, status=request.POST.get("status", ""),
                                 note=request.POST.get("note", ""), request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更新转介状态：%(n)s") % {"n": check.person.name})
    return redirect("assessment:referrals")
