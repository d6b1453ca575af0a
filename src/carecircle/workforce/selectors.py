"""Reads of the workforce register. Staff see the workers inside their regions; an employer's admin
(a provider_admin grant of the employer's organisation, core/organisations.py) sees their own staff
only — a facility operator's admin also those employed under its childcare-operator identity."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from carecircle.core import regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.organisations import OrganisationKind, organisation_grants
from carecircle.core.roles import Role
from carecircle.core.types import Actor, signed_in
from carecircle.workforce import requirements
from carecircle.workforce.models import EMPLOYER_KINDS, Caregiver, Certificate, CertificateKind, WorkerRole
from carecircle.workforce.types import Qualification, Requirement


def employer_q(user: Actor, prefix: str = "") -> Q | None:
    """The workers whose employer `user` is an admin of (None: of no employer)."""
    parts = Q()
    found = False
    for g in organisation_grants(user, EMPLOYER_KINDS, Role.PROVIDER_ADMIN):
        kinds = [g.kind]
        if g.kind == OrganisationKind.FACILITY_OPERATOR:  # all of the operator's facilities
            kinds.append(OrganisationKind.CHILDCARE_OPERATOR)
        parts |= Q(**{f"{prefix}employer_kind__in": kinds, f"{prefix}organisation_id": g.organisation_id})
        found = True
    return parts if found else None


def is_employer_admin(user: Actor, employer_kind: str, organisation_id: int) -> bool:
    for g in organisation_grants(user, EMPLOYER_KINDS, Role.PROVIDER_ADMIN):
        if g.organisation_id != organisation_id:
            continue
        if g.kind == employer_kind or (
            g.kind == OrganisationKind.FACILITY_OPERATOR
            and employer_kind == OrganisationKind.CHILDCARE_OPERATOR
        ):
            return True
    return False


def require_employer_or_staff(
    user: Actor, *, employer_kind: str, organisation_id: int, perm: str, region_code: str
) -> None:
    """Pass for an admin of the employer; otherwise `user` must hold `perm` over `region_code`."""
    if is_employer_admin(user, employer_kind, organisation_id):
        return
    scope.require(user, perm, region_code)


HOMECARE = OrganisationKind.HOMECARE_PROVIDER  # home care's own caregivers (dispatch, teams)
ELDER_CARE_ROLES = (WorkerRole.HOME_CAREGIVER, WorkerRole.CARER)


def valid_on(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def employed_on(day: datetime.date) -> Q:
    return Q(employed_from__lte=day) & (Q(employed_to__isnull=True) | Q(employed_to__gte=day))


def certified_on(
    day: datetime.date, kind: str = CertificateKind.ELDER_CARE, min_level: int | None = None
) -> Q:
    certs = Certificate.objects.filter(valid_on(day), caregiver=OuterRef("pk"), kind=kind)
    if min_level:
        certs = certs.filter(level__gte=min_level)
    return Q(Exists(certs))


def certified_caregiver_count(*, region_prefix: str, day: datetime.date) -> int:
    """Caregivers employed on `day` in regions under `region_prefix` who hold a 养老护理员 certificate
    valid on that day (the planning module's indicator of 持证护理员)."""
    return (
        Caregiver.objects.filter(region_code__startswith=region_prefix)
        .filter(employed_on(day))
        .filter(certified_on(day))
        .count()
    )


def caregiver_count(
    *, region_prefix: str, day: datetime.date, kind: str = "", min_level: int | None = None
) -> int:
    """Caregivers of older people (home care, institutions' 护理员) employed on `day` under
    `region_prefix`; with `kind`, every worker of the register holding a certificate
    of that kind (at `min_level` or above) valid on the day (planning's shares of the workforce)."""
    return caregiver_counts(region_prefixes=[region_prefix], day=day, kind=kind, min_level=min_level)[
        region_prefix
    ]


def caregiver_counts(
    *, region_prefixes: list[str], day: datetime.date, kind: str = "", min_level: int | None = None
) -> dict[str, int]:
    """`caregiver_count` of each prefix, in one grouped query per prefix length (not one per prefix)."""
    qs = Caregiver.objects.filter(employed_on(day))
    if kind:
        qs = qs.filter(certified_on(day, kind, min_level))
    else:  # the caregivers of older people (home care and institutions), not the whole register
        qs = qs.filter(role__in=ELDER_CARE_ROLES)
    out = dict.fromkeys(region_prefixes, 0)
    for grouped in regions.grouped_under(qs, region_prefixes):
        out.update(grouped.values_list("under").annotate(n=Count("id")))
    return out


def caregiver_search(
    *,
    user: Actor,
    text: str = "",
    organisation_id: int | None = None,
    role: str = "",
    perm: str = "workforce.view",
) -> QuerySet[Caregiver]:
    """The register as `user` sees it: staff the regions where they hold `perm`, an employer's admin
    their own staff (perm="workforce.manage": the workers `user` may record things for, as
    require_employer_or_staff decides)."""
    staff = scope.in_scope(Caregiver.objects.all(), user, perm)
    mine = employer_q(user)
    visible = Q(pk__in=staff.values("pk"))
    if mine is not None:
        visible |= mine
    qs = Caregiver.objects.filter(visible)
    if text:
        qs = qs.filter(name__contains=text.strip())
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if role:
        qs = qs.filter(role=role)
    return qs.defer("phone", "id_number").order_by("name", "id")


def caregiver_get(*, user: Actor, caregiver_id: int) -> Caregiver:
    def check(user: Actor, perm: str, caregiver: Caregiver) -> None:
        if signed_in(user) and caregiver.user_id == user.pk:
            return  # the caregiver themself
        require_employer_or_staff(
            user,
            employer_kind=caregiver.employer_kind,
            organisation_id=caregiver.organisation_id,
            perm=perm,
            region_code=caregiver.region_code,
        )

    return access_by_id(Caregiver.objects.all(), caregiver_id, user=user, perm="workforce.view", check=check)


def caregiver_for_user(user: Actor) -> Caregiver | None:
    if not signed_in(user):
        return None
    return Caregiver.objects.filter(user=user).first()


def organisation_caregivers(*, organisation_id: int) -> QuerySet[Caregiver]:
    """The caregivers of one organisation (a provider's team), by name. For modules that already
    decided the caller may act for that organisation (homecare's order page and reassignment)."""
    return Caregiver.objects.filter(organisation_id=organisation_id, employer_kind=HOMECARE).order_by(
        "name", "id"
    )


def organisation_caregiver(*, organisation_id: int, caregiver_id: int) -> Caregiver | None:
    """One caregiver if they belong to `organisation_id`, else None (reassigning an order)."""
    return Caregiver.objects.filter(
        pk=caregiver_id, organisation_id=organisation_id, employer_kind=HOMECARE
    ).first()


def caregivers_employed(*, organisation_ids: Iterable[int], day: datetime.date) -> list[Caregiver]:
    """Caregivers of these organisations employed on `day`, in id order (the dispatch problem)."""
    return list(
        Caregiver.objects.filter(
            employed_on(day), organisation_id__in=organisation_ids, employer_kind=HOMECARE
        ).order_by("pk")
    )


def qualifications_on(caregiver_ids: Iterable[int], day: datetime.date) -> dict[int, Qualification]:
    """{caregiver_id: their qualification on `day`} for dispatch (level 0: no valid 养老护理员
    certificate)."""
    ids = list(caregiver_ids)
    levels: dict[int, int] = dict(
        Certificate.objects.filter(valid_on(day), caregiver_id__in=ids, kind=CertificateKind.ELDER_CARE)
        .values("caregiver_id")
        .annotate(best=Max("level"))
        .values_list("caregiver_id", "best")
    )
    health = set(
        Certificate.objects.filter(
            valid_on(day), caregiver_id__in=ids, kind=CertificateKind.HEALTH
        ).values_list("caregiver_id", flat=True)
    )
    return {cid: Qualification(level=levels.get(cid) or 0, health=cid in health) for cid in ids}


def expiring_certificates(*, user: Actor, day: datetime.date, within_days: int = 30) -> QuerySet[Certificate]:
    visible = caregiver_search(user=user)
    return Certificate.objects.filter(
        caregiver__in=visible, valid_to__gte=day, valid_to__lte=day + datetime.timedelta(days=within_days)
    ).select_related("caregiver")


def certificates_expiring_by_organisation(*, day: datetime.date, within_days: int) -> dict[int, int]:
    """Certificates of caregivers employed on `day` that end within `within_days` days of it (not
    yet ended), counted per employing organisation (one grouped query): oversight's early warnings."""
    employed = Q(caregiver__employer_kind=HOMECARE, caregiver__employed_from__lte=day) & (
        Q(caregiver__employed_to__isnull=True) | Q(caregiver__employed_to__gte=day)
    )
    rows = (
        Certificate.objects.filter(
            employed, valid_to__gte=day, valid_to__lte=day + datetime.timedelta(days=within_days)
        )
        .values_list("caregiver__organisation_id")
        .annotate(n=Count("id"))
        .values_list("caregiver__organisation_id", "n")
    )
    return dict(rows)


def certificates_held(worker_ids: Iterable[int], day: datetime.date) -> dict[int, dict[str, int]]:
    """{worker id: {certificate kind: best level valid on `day` (0 for kinds without levels)}}."""
    ids = list(worker_ids)
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    rows = (
        Certificate.objects.filter(valid_on(day), caregiver_id__in=ids)
        .values("caregiver_id", "kind")
        .annotate(best=Max("level"))
        .values_list("caregiver_id", "kind", "best")
    )
    for cid, kind, best in rows:
        out[cid][kind] = best or 0
    return out


def task_requirements(*, item_code: str, category_code: str) -> tuple[Requirement, ...]:
    """The certificates a home-care task needs besides its item's own level and 健康证 (data:
    workforce/requirements.py)."""
    return requirements.for_task(item_code, category_code)


def unmet_requirements(worker_id: int, day: datetime.date, needed: tuple[Requirement, ...]) -> list[str]:
    """The names of the requirements `worker_id` does not meet on `day` ([] when qualified)."""
    held = certificates_held([worker_id], day)[worker_id]
    return [requirements.describe(r) for r in requirements.missing(needed, held)]


# 托育从业人员 and the certificates that make them 持证 (workforce/indicators.py's definitions)
CHILDCARE_ROLES = (
    WorkerRole.CHILDCARE_CARER,
    WorkerRole.CHILD_HEALTH,
    WorkerRole.INFANT_CARER,
    WorkerRole.DIRECTOR,
)
CHILDCARE_CERTS = (
    CertificateKind.CHILDCARE,
    CertificateKind.INFANT_CARE,
    CertificateKind.CHILD_HEALTH,
    CertificateKind.TEACHER,
)


def childcare_staff_q(day: datetime.date, *, certified: bool = False) -> Q:
    """托育从业人员 among workers (those holding a valid childcare certificate on `day` when
    `certified`): the one definition of C11 and of workforce/indicators.py's childcare figures."""
    staff = Q(role__in=CHILDCARE_ROLES)
    if not certified:
        return staff
    certs = Certificate.objects.filter(valid_on(day), caregiver=OuterRef("pk"), kind__in=CHILDCARE_CERTS)
    return staff & Q(Exists(certs))


def _childcare_counts(prefixes: list[str], day: datetime.date, certified: bool) -> dict[str, int]:
    qs = Caregiver.objects.filter(employed_on(day)).filter(childcare_staff_q(day, certified=certified))
    out = dict.fromkeys(prefixes, 0)
    for grouped in regions.grouped_under(qs, prefixes):
        out.update(grouped.values_list("under").annotate(n=Count("id")).values_list("under", "n"))
    return out


def childcare_staff_counts(prefixes: list[str], day: datetime.date) -> dict[str, int]:
    """托育从业人员 (保育人员, 保健员, 育婴员, 园长) employed on `day` under each prefix, one grouped
    query per prefix length: the denominator of planning's 托育从业人员持证上岗率 (C11)."""
    return _childcare_counts(prefixes, day, certified=False)


def childcare_staff_certified_counts(prefixes: list[str], day: datetime.date) -> dict[str, int]:
    """Those of `childcare_staff_counts` holding a valid 保育师, 育婴员, 保健 or 教师 certificate on
    `day`: the numerator of C11."""
    return _childcare_counts(prefixes, day, certified=True)
