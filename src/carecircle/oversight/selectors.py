"""Oversight reads: the unit and inspector registers, plans, the inputs a draw is made from, and
the check that a published draw is what its seed and inputs give."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from carecircle.core import region_pick, regions, scope
from carecircle.core.access import access_by_id
from carecircle.core.errors import NotFound
from carecircle.core.models import RoleGrant, User
from carecircle.core.organisations import OrganisationKind, organisations_of
from carecircle.core.roles import Role
from carecircle.core.types import Actor, signed_in
from carecircle.facilities.selectors import facility_ids_for
from carecircle.oversight import draw as drawing
from carecircle.oversight.models import (
    Conflict,
    DrawAssignment,
    DrawnUnit,
    DrawPlan,
    Finding,
    Inspection,
    InspectionItem,
    PlanState,
    Unit,
    UnitKind,
)

if TYPE_CHECKING:
    from collections.abc import Iterable


def items() -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(active=True)


def units_visible(*, user: Actor, perm: str = "oversight.view") -> QuerySet[Unit]:
    return scope.in_scope(Unit.objects.filter(active=True), user, perm)


def unit_get(*, user: Actor, unit_id: int) -> Unit:
    return access_by_id(Unit.objects.all(), unit_id, user=user, perm="oversight.view")


def inspector_grants(region_code: str) -> list[tuple[int, str]]:
    """(user id, region code) of every inspector grant overlapping `region_code`: held over it, over
    a region above it, or over a region inside it."""
    prefix = regions.prefix_of(region_code)
    above = regions.chain(region_code)
    rows = RoleGrant.objects.filter(role=Role.INSPECTOR, user__is_active=True).filter(
        Q(region_id__in=above) | Q(region__code__startswith=prefix)
    )
    return sorted(set(rows.values_list("user_id", "region_id")))


def inspectors_visible(*, user: Actor) -> QuerySet[User]:
    """The inspector register: accounts holding the inspector role over a region that overlaps
    the regions where `user` sees oversight."""
    near = Q()
    for prefix in scope.prefixes(user, "oversight.view"):
        above = regions.chain(prefix.ljust(12, "0"))
        near |= Q(region__code__startswith=prefix) | Q(region_id__in=above)
    if not near:
        return User.objects.none()
    grants = RoleGrant.objects.filter(near, role=Role.INSPECTOR).values("user_id")
    return User.objects.filter(pk__in=grants, is_active=True)


def inspector_regions(user_ids: Iterable[int]) -> dict[int, list[str]]:
    """The names of the regions each inspector serves (one query for the names)."""
    rows = RoleGrant.objects.filter(user_id__in=list(user_ids), role=Role.INSPECTOR).values_list(
        "user_id", "region_id"
    )
    names = region_pick.names_of({code for _u, code in rows})
    found: dict[int, list[str]] = {}
    for pk, code in sorted(rows):
        found.setdefault(pk, []).append(names.get(code, code))
    return found


def conflict_counts(user_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Conflict.objects.filter(inspector_id__in=list(user_ids))
        .values_list("inspector_id")
        .annotate(n=Count("id"))
    )
    return {pk: n for pk, n in rows}


def inspector_users(keys: Iterable[str]) -> QuerySet[User]:
    return User.objects.filter(pk__in={int(k[1:]) for k in keys})


def draw_inputs(
    *,
    region_code: str,
    period_start: datetime.date,
    per_unit: int,
    always_after_months: int,
    shares: dict[str, str],
) -> drawing.DrawInputs:
    """What a plan over `region_code` is drawn from, as of now."""
    prefix = regions.prefix_of(region_code)
    units = list(
        Unit.objects.filter(active=True, region_code__startswith=prefix).values_list(
            "pk", "kind", "source_id", "region_code", "credit_grade", "last_inspected_on"
        )
    )
    key_of = {pk: f"{kind}:{source}" for pk, kind, source, _r, _g, _d in units}
    grants = inspector_grants(region_code)
    inspectors: dict[str, list[str]] = {}
    for pk, region in grants:
        inspectors.setdefault(f"u{pk}", []).append(region)
    conflicts = [
        (f"u{inspector}", key_of[unit])
        for inspector, unit in Conflict.objects.filter(unit_id__in=key_of).values_list(
            "inspector_id", "unit_id"
        )
    ]
    return drawing.DrawInputs(
        period_start=period_start.isoformat(),
        per_unit=per_unit,
        always_after_months=always_after_months,
        shares=shares,
        units=tuple(
            drawing.UnitInput(key_of[pk], region, grade, last.isoformat() if last else None)
            for pk, _k, _s, region, grade, last in units
        ),
        inspectors=tuple(drawing.InspectorInput(k, tuple(sorted(v))) for k, v in sorted(inspectors.items())),
        conflicts=tuple(conflicts),
        previous=_previous_inspectors(key_of),
    )


def _previous_inspectors(key_of: dict[int, str]) -> dict[str, tuple[str, ...]]:
    """For each unit, the inspectors of the latest plan that drew it (never twice in a row)."""
    latest: dict[int, int] = {}
    for unit_id, drawn_id in (
        DrawnUnit.objects.filter(unit_id__in=key_of, plan__state=PlanState.DRAWN)
        .order_by("unit_id", "-plan__published_at", "-pk")
        .values_list("unit_id", "pk")
    ):
        latest.setdefault(unit_id, drawn_id)
    found: dict[str, list[str]] = {}
    unit_of = {drawn: unit for unit, drawn in latest.items()}
    for drawn_id, inspector in DrawAssignment.objects.filter(drawn_id__in=unit_of).values_list(
        "drawn_id", "inspector_id"
    ):
        found.setdefault(key_of[unit_of[drawn_id]], []).append(f"u{inspector}")
    return {k: tuple(sorted(v)) for k, v in found.items()}


def plans_visible(*, user: Actor) -> QuerySet[DrawPlan]:
    return scope.in_scope(DrawPlan.objects.all(), user, "oversight.view").annotate(units=Count("drawn_units"))


def plan_get(*, user: Actor, plan_id: int) -> DrawPlan:
    return access_by_id(DrawPlan.objects.all(), plan_id, user=user, perm="oversight.view")


def public_plans() -> QuerySet[DrawPlan]:
    """Plans are public from the moment they are published (一公开)."""
    return DrawPlan.objects.annotate(units=Count("drawn_units")).order_by("-published_at")


def public_plan(plan_id: int) -> DrawPlan:
    return DrawPlan.objects.get(pk=plan_id)


def drawn_rows(plan: DrawPlan) -> list[dict[str, object]]:
    """The drawn units with their inspectors' names (no other personal data), in unit order."""
    rows = (
        DrawnUnit.objects.filter(plan=plan)
        .select_related("unit")
        .prefetch_related("assignments__inspector")
        .order_by("unit__region_code", "unit__name", "pk")
    )
    return [
        {
            "unit": d.unit,
            "reason": d.reason,
            "ticket": d.ticket,
            "inspectors": [a.inspector.display_name or a.inspector.username for a in d.assignments.all()],
        }
        for d in rows
    ]


@dataclass(frozen=True, slots=True)
class Verification:
    digest_ok: bool  # the stored inputs still hash to the published digest
    drawn: bool  # the plan has been drawn
    result_ok: bool  # re-running the draw gives the stored units and inspectors
    recomputed_digest: str
    units: int


def plan_verify(plan: DrawPlan) -> Verification:
    """Re-run a plan's draw from its published seed and inputs and compare with what was stored."""
    inputs = drawing.DrawInputs.from_json(plan.inputs)
    recomputed = drawing.digest(inputs)
    if plan.state != PlanState.DRAWN:
        return Verification(recomputed == plan.inputs_digest, False, False, recomputed, 0)
    try:
        again = {(d.unit_key, d.inspectors) for d in drawing.draw(inputs, plan.seed)}
    except drawing.DrawRefused:
        again = set()
    stored: dict[str, list[tuple[int, str]]] = {}
    for kind, source, rank, inspector in DrawAssignment.objects.filter(drawn__plan=plan).values_list(
        "drawn__unit__kind", "drawn__unit__source_id", "rank", "inspector_id"
    ):
        stored.setdefault(f"{kind}:{source}", []).append((rank, f"u{inspector}"))
    kept = {(k, tuple(i for _r, i in sorted(v))) for k, v in stored.items()}
    return Verification(recomputed == plan.inputs_digest, True, kept == again, recomputed, len(kept))


# ------------------------------------------------------------------ inspections and findings


def inspections_visible(*, user: Actor) -> QuerySet[Inspection]:
    return scope.in_scope(Inspection.objects.select_related("unit", "drawn__plan"), user, "oversight.view")


def inspection_get(*, user: Actor, inspection_id: int) -> Inspection:
    return access_by_id(
        Inspection.objects.select_related("unit", "drawn__plan"),
        inspection_id,
        user=user,
        perm="oversight.view",
    )


def my_inspections(*, user: Actor) -> QuerySet[Inspection]:
    """The inspections the user was drawn for (their task list on the phone)."""
    if not signed_in(user):
        return Inspection.objects.none()
    drawn = DrawAssignment.objects.filter(inspector=user).values("drawn_id")
    return Inspection.objects.filter(drawn_id__in=drawn).select_related("unit", "drawn__plan")


def own_units_q(user: Actor) -> Q | None:
    """The units whose admin `user` is (a provider admin of the provider or of the operator)."""
    if not signed_in(user) or "provider_admin" not in scope.roles_of(user):
        return None
    providers = organisations_of(user, OrganisationKind.HOMECARE_PROVIDER, "provider_admin")
    facilities = facility_ids_for(user, "facilities.view")
    return Q(unit__kind=UnitKind.HOMECARE, unit__source_id__in=providers) | Q(
        unit__kind__in=[UnitKind.FACILITY, UnitKind.CHILDCARE], unit__source_id__in=facilities
    )


def findings_visible(*, user: Actor) -> QuerySet[Finding]:
    """Findings of the user's regions (oversight staff) and of their own units (a unit's admin)."""
    q = Q(pk__in=scope.in_scope(Finding.objects.all(), user, "oversight.view").values("pk"))
    own = own_units_q(user)
    if own is not None:
        q |= own
    return Finding.objects.filter(q).select_related("unit", "item", "inspection")


def finding_get(*, user: Actor, finding_id: int) -> Finding:
    found = findings_visible(user=user).filter(pk=finding_id).first()
    if found is None:
        raise NotFound()
    return found


def inspection_sheet(inspection: Inspection) -> list[dict[str, object]]:
    """The checklist of an inspection: each applicable item with its result so far."""
    results = {r.item_id: r for r in inspection.results.all()}
    return [
        {"item": item, "result": results.get(item.pk)}
        for item in InspectionItem.objects.filter(active=True)
        if inspection.unit.kind in item.unit_kinds
    ]


# ------------------------------------------------------------------ public (一公开, issue 20 item 8)


def public_grades(kind: str, ids: Iterable[int]) -> dict[int, str]:
    """{source id: credit grade A–D} of the given units of `kind` ("homecare": home-care provider
    ids; "facility": facility ids, 托育 included), as the public pages show them; units not under
    supervision are left out."""
    kinds = {"homecare": [UnitKind.HOMECARE], "facility": [UnitKind.FACILITY, UnitKind.CHILDCARE]}
    rows = Unit.objects.filter(active=True, kind__in=kinds.get(kind, []), source_id__in=list(ids))
    return {source: grade for source, grade in rows.values_list("source_id", "credit_grade")}
