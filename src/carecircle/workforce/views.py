import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecircle.core.errors import DomainError, InvalidInput
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.workforce import selectors, services
from carecircle.workforce.models import CertificateKind, CertificateLevel


@login_required
def caregiver_list(request):
    q = request.GET.get("q", "").strip()
    qs = selectors.caregiver_search(user=request.user, text=q).prefetch_related("certificates")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    today = datetime.date.today()
    rows = []
    for c in page:
        valid = [x for x in c.certificates.all() if x.holds_on(today)]
        rows.append({"c": c, "level": max((x.level or 0 for x in valid if x.kind == CertificateKind.ELDER_CARE),
                                          default=0),
                     "health": any(x.kind == CertificateKind.HEALTH for x in valid)})
    return render(request, "workforce/caregiver_list.html", {
        "page": page, "rows": rows, "q": q, "levels": dict(CertificateLevel.choices),
        "organisations": sorted(organisations_of(request.user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")),
        "expiring": selectors.expiring_certificates(user=request.user, day=today)[:20]})


@login_required
def caregiver_detail(request, caregiver_id: int):
    caregiver = selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id)
    return render(request, "workforce/caregiver_detail.html", {
        "c": caregiver, "certificates": caregiver.certificates.all(), "kinds": CertificateKind.choices,
        "levels": CertificateLevel.choices, "today": datetime.date.today()})


@login_required
@require_POST
def certificate_add(request, caregiver_id: int):
    caregiver = selectors.caregiver_get(user=request.user, caregiver_id=caregiver_id)
    p = request.POST
    try:
        valid_from = parse_date(p.get("valid_from", ""))
        if valid_from is None:
            raise InvalidInput(_("请填写有效期起"), field="valid_from")
        level = p.get("level") or None
        services.certificate_add(
            actor=request.user, caregiver=caregiver, kind=p.get("kind", ""), level=int(level) if level else None,
            number=p.get("number", ""), issuer=p.get("issuer", ""), valid_from=valid_from,
            valid_to=parse_date(p.get("valid_to", "")) if p.get("valid_to") else None, request=request)
        messages.success(request, _("证书已登记"))
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("输入有误")))
    return redirect("workforce:caregiver_detail", caregiver_id=caregiver.pk)


@login_required
@require_POST
def caregiver_create(request):
    """A provider admin registers a caregiver of their own organisation."""
    orgs = organisations_of(request.user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    p = request.POST
    try:
        org = int(p.get("organisation_id") or 0)
        if org not in orgs:
            raise InvalidInput(_("请选择本机构"), field="organisation_id")
        employed_from = parse_date(p.get("employed_from", ""))
        if employed_from is None:
            raise InvalidInput(_("请填写入职日期"), field="employed_from")
        caregiver = services.caregiver_create(actor=request.user, organisation_id=org,
                                              region_code=p.get("region_code", "").strip(), name=p.get("name", ""),
                                              phone=p.get("phone", ""), employed_from=employed_from, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workforce:caregiver_list")
    messages.success(request, _("护理员已登记，请登记其证书"))
    return redirect("workforce:caregiver_detail", caregiver_id=caregiver.pk)
