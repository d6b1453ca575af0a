"""The API of the register of children in difficulty and orphans (Hangzhou 三(二)2), mounted on the
registry's router (registry/api.py): the list, registering a child, a child with its guardianship
assessments, and recording an assessment. Personal values are masked, as on the pages."""

import datetime

from ninja import Router, Schema, Status

from carecircle.core.limits import Id, Limit, Offset
from carecircle.core.types import AuthedRequest
from carecircle.core.vault import shown_birth
from carecircle.registry import children, children_services, selectors
from carecircle.registry.models import GuardianshipAssessment, Person

router = Router(tags=["registry"])


class GuardianshipOut(Schema):
    id: int
    assessed_on: datetime.date
    guardian_name: str
    relation: str
    relation_name: str
    guardian_phone: str  # masked
    outcome: str
    outcome_name: str
    assessor: str


class RegisteredChildOut(Schema):
    id: int
    name: str
    sex: str
    birth_month: str  # YYYY-MM
    age: int
    id_number: str  # masked
    region_code: str
    kinds: list[str]  # 困境儿童, 孤儿
    last_assessed: datetime.date | None
    last_outcome: str  # "" when never assessed


class RegisteredChildDetailOut(RegisteredChildOut):
    assessments: list[GuardianshipOut]


class RegisteredChildPage(Schema):
    count: int
    results: list[RegisteredChildOut]


def _child_out(p: Person, kinds: list[str]) -> dict[str, object]:
    latest = children.latest_assessment(p)
    return {
        "id": p.pk,
        "name": p.name,
        "sex": p.sex,
        "birth_month": shown_birth(p.birth_date),
        "age": selectors.shown_person_age(p),
        "id_number": p.id_masked,
        "region_code": p.region_code,
        "kinds": kinds,
        "last_assessed": latest.assessed_on,
        "last_outcome": latest.outcome,
    }


def _assessment_out(a: GuardianshipAssessment) -> dict[str, object]:
    return {
        "id": a.pk,
        "assessed_on": a.assessed_on,
        "guardian_name": a.guardian_name,
        "relation": a.relation,
        "relation_name": str(a.get_relation_display()),
        "guardian_phone": a.guardian_phone_masked,
        "outcome": a.outcome,
        "outcome_name": str(a.get_outcome_display()),
        "assessor": a.assessor_name,
    }


@router.get("/children", response=RegisteredChildPage)
def child_list(
    request: AuthedRequest,
    q: str = "",
    region: str = "",
    kind: str = "",
    outcome: str = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, object]:
    filters = children.ChildFilters(text=q, region_code=region, kind=kind, outcome=outcome)
    qs = children.children_in_difficulty(user=request.user, filters=filters)
    people = list(qs[offset : offset + min(limit, 500)])
    kinds = children.child_kind_labels(people)
    return {"count": qs.count(), "results": [_child_out(p, kinds.get(p.pk, [])) for p in people]}


class RegisterChildIn(Schema):
    name: str
    id_number: str
    region_code: str
    kind: str  # child_in_difficulty | orphan
    valid_from: datetime.date | None = None
    phone: str = ""
    address: str = ""
    source: str = ""
    note: str = ""


def _detail(request: AuthedRequest, child_id: int) -> dict[str, object]:
    person = children.child_get(user=request.user, child_id=child_id)
    kinds = children.child_kind_labels([person]).get(person.pk, [])
    latest = children.assessments_of(person)
    row = _child_out(person, kinds)
    first = latest.first()
    row |= {
        "last_assessed": first.assessed_on if first else None,
        "last_outcome": first.outcome if first else "",
        "assessments": [_assessment_out(a) for a in latest],
    }
    return row


@router.post("/children", response={201: RegisteredChildDetailOut})
def child_register(request: AuthedRequest, payload: RegisterChildIn) -> Status:
    person = children_services.child_register(actor=request.user, request=request, **payload.dict())
    return Status(201, _detail(request, person.pk))


@router.get("/children/{child_id}", response=RegisteredChildDetailOut)
def child_detail(request: AuthedRequest, child_id: Id) -> dict[str, object]:
    return _detail(request, child_id)


class GuardianshipIn(Schema):
    guardian_name: str
    relation: str
    assessed_on: datetime.date
    outcome: str  # good | lacking | intervene
    guardian_phone: str = ""
    notes: str = ""


@router.post("/children/{child_id}/guardianship", response={201: GuardianshipOut})
def guardianship_assess(request: AuthedRequest, child_id: Id, payload: GuardianshipIn) -> Status:
    person = children.child_get(user=request.user, child_id=child_id, perm="registry.edit")
    record = children_services.guardianship_assess(
        actor=request.user, person=person, request=request, **payload.dict()
    )
    return Status(201, _assessment_out(record))
