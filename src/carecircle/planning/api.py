import datetime

from django.utils import timezone
from ninja import Router, Schema, Status

from carecircle.core import scope
from carecircle.core.limits import Count, Id, Quantity, Year
from carecircle.planning import coverage_services, projection, selectors, services
from carecircle.planning.types import CoverageTop

router = Router(tags=["planning"])


class TargetOut(Schema):
    year: int
    op: str
    value: float | None
    text: str
    source: str
    region_code: str


class PointOut(Schema):
    day: datetime.date
    value: float


class ChildOut(Schema):
    code: str
    name: str
    value: float | None
    applicable: bool
    status: str
    gap: float | None


class IndicatorValueOut(Schema):
    code: str
    name: str
    unit: str
    domain: str
    computed: bool
    applicable: bool
    formula: str
    source: str
    value: float | None
    numerator: float | None
    denominator: float | None
    missing: list[str]
    target: TargetOut | None
    gap: float | None
    status: str
    trend: list[PointOut]
    children: list[ChildOut]


class RegionRef(Schema):
    code: str
    name: str


class ValuesOut(Schema):
    region: RegionRef
    day: datetime.date
    indicators: list[IndicatorValueOut]


@router.get("/indicators/values", response=ValuesOut)
def indicator_values(request, region: str = "", date: str = "", domain: str = ""):
    """Each indicator's value, target, gap, status colour and trend for a region on a date, with
    the same figures for its child regions (drill-down)."""
    code = region or selectors.default_region(request.user)
    return selectors.dashboard(
        user=request.user, region_code=code, day=selectors.parse_day(date), domain=domain
    )


class ValueIn(Schema):
    indicator: str
    region: str
    date: datetime.date
    value: Quantity
    source: str


class StoredOut(Schema):
    id: int
    indicator: str
    region_code: str
    day: datetime.date
    value: float | None
    source: str


@router.post("/indicators/values", response={201: StoredOut})
def indicator_value_enter(request, payload: ValueIn):
    row = services.value_enter(
        actor=request.user,
        indicator_code=payload.indicator,
        region_code=payload.region,
        day=payload.date,
        value=payload.value,
        source=payload.source,
    )
    return Status(
        201,
        {
            "id": row.pk,
            "indicator": row.indicator.code,
            "region_code": row.region_code,
            "day": row.day,
            "value": row.value,
            "source": row.source,
        },
    )


class TargetIn(Schema):
    indicator: str
    region: str
    year: Year
    op: str = ">="
    value: Quantity | None = None
    source: str


@router.post("/indicators/targets", response={201: TargetOut})
def indicator_target_set(request, payload: TargetIn):
    t = services.target_set(
        actor=request.user,
        indicator_code=payload.indicator,
        region_code=payload.region,
        year=payload.year,
        op=payload.op,
        value=payload.value,
        source=payload.source,
    )
    return Status(
        201,
        {
            "year": t.year,
            "op": t.op,
            "value": t.value,
            "text": t.text,
            "source": t.source,
            "region_code": t.region_code,
        },
    )


class SnapshotIn(Schema):
    region: str
    date: datetime.date | None = None


class CountOut(Schema):
    stored: int


@router.post("/indicators/snapshots", response=CountOut)
def indicator_snapshot(request, payload: SnapshotIn):
    n = services.snapshot_take(
        actor=request.user, day=payload.date or timezone.localdate(), region_code=payload.region
    )
    return {"stored": n}


class RunOut(Schema):
    id: int
    region_code: str
    kind: str
    group: str
    day: datetime.date
    minutes: int
    facilities: int
    population: int
    covered: int
    share: float | None
    seconds: float


def run_out(r, top: CoverageTop | None = None) -> dict:
    """A run as seen by the user: figures for the largest region of it they may see."""
    top = top or {"code": r.region_code, "population": r.population, "covered": r.covered}
    return {
        "id": r.pk,
        "region_code": top["code"],
        "kind": r.kind,
        "group": r.group,
        "day": r.day,
        "minutes": r.minutes,
        "facilities": r.facilities,
        "population": top["population"],
        "covered": top["covered"],
        "share": top["covered"] / top["population"] if top["population"] else None,
        "seconds": r.seconds,
    }


@router.get("/coverage/runs", response=list[RunOut])
def coverage_list(request):
    return [
        run_out(r, selectors.coverage_top(user=request.user, run=r))
        for r in selectors.coverage_runs(user=request.user)[:100]
    ]


class CoverageRunIn(Schema):
    region: str
    group: str = "elder"
    kind: str = "community_centre"
    date: datetime.date | None = None
    minutes: Count = 15


@router.post("/coverage/runs", response={201: RunOut})
def coverage_create(request, payload: CoverageRunIn):
    run = coverage_services.coverage_run(
        actor=request.user,
        region_code=payload.region,
        group=payload.group,
        kind=payload.kind,
        day=payload.date,
        minutes=payload.minutes,
    )
    return Status(201, run_out(run))


class AreaOut(Schema):
    code: str
    name: str
    population: int
    covered: int
    share: float | None


class CellOut(Schema):
    h3: str
    uncovered: int


class RunDetailOut(RunOut):
    areas: list[AreaOut]
    cells: list[CellOut]


@router.get("/coverage/runs/{coverage_run_id}", response=RunDetailOut)
def coverage_detail(request, coverage_run_id: Id, parent: str = ""):
    run = selectors.coverage_get(user=request.user, run_id=coverage_run_id)
    if parent:
        selectors.region_for(request.user, parent)
    return run_out(run, selectors.coverage_top(user=request.user, run=run)) | {
        "areas": selectors.coverage_areas(user=request.user, run=run, parent=parent),
        "cells": selectors.coverage_cells(user=request.user, run=run),
    }


class SitingIn(Schema):
    coverage_run_id: Id
    new_sites: Count = 3
    candidates: str = "communities"


class SitingOut(Schema):
    id: int
    coverage_run_id: int
    region_code: str
    new_sites: int
    candidates: str
    result: dict


def siting_out(s) -> dict:
    return {
        "id": s.pk,
        "coverage_run_id": s.coverage_id,
        "region_code": s.region_code,
        "new_sites": s.new_sites,
        "candidates": s.candidates,
        "result": s.result,
    }


@router.post("/siting", response={201: SitingOut})
def siting_create(request, payload: SitingIn):
    run = selectors.coverage_get(user=request.user, run_id=payload.coverage_run_id)
    row = coverage_services.siting_run(
        actor=request.user, coverage_run_id=run.pk, new_sites=payload.new_sites, candidates=payload.candidates
    )
    return Status(201, siting_out(row))


@router.get("/siting/{siting_id}", response=SitingOut)
def siting_detail(request, siting_id: Id):
    return siting_out(selectors.siting_get(user=request.user, siting_id=siting_id))


class ProjectionOut(Schema):
    region_code: str
    base_year: int
    final_year: int
    rows: list[dict]
    population: float | None
    population_final: float | None
    needs: list[dict]


@router.get("/projection", response=ProjectionOut)
def projection_get(request, region: str = "", date: str = "", years: Count = 5):
    code = region or selectors.default_region(request.user)
    selectors.region_for(request.user, code)
    scope.require(request.user, "planning.view", code)
    return projection.requirements(code, selectors.parse_day(date), years=max(1, min(years, 10)))
