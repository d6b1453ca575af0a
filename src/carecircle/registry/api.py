import datetime

from django.http import HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from carecircle.core.errors import NotFound
from carecircle.core.limits import Id, Latitude, Limit, Longitude, Offset
from carecircle.core.selectors import audit_row
from carecircle.core.vault import shown_birth
from carecircle.registry import api_children, selectors, services
from carecircle.registry.models import ImportJob, PersonStatus

router = Router(tags=["registry"])
router.add_router(
    "", api_children.router
)  # the register of children in difficulty (registry/api_children.py)


class StatusOut(Schema):
    id: int
    kind: str
    kind_name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    source: str


class PersonOut(Schema):
    """Masked (core/vault.py): the birth year and month, ages counted from them, masked ID number,
    phone and address, no coordinates. The clear values come from POST …/unmask (audited)."""

    id: int
    name: str
    sex: str
    birth_month: str  # YYYY-MM
    age: int
    groups: list[str]
    id_number: str  # masked
    phone: str  # masked
    address: str  # masked
    region_code: str
    latitude: float | None  # always null in masked views
    longitude: float | None


class PersonDetailOut(PersonOut):
    statuses: list[StatusOut]


def person_out(p, with_statuses=False) -> dict:
    row = {
        "id": p.pk,
        "name": p.name,
        "sex": p.sex,
        "birth_month": shown_birth(p.birth_date),
        "age": selectors.shown_person_age(p),
        "groups": selectors.derived_groups(p),
        "id_number": p.id_masked,
        "phone": p.phone_masked,
        "address": p.address_masked,
        "region_code": p.region_code,
        "latitude": None,
        "longitude": None,
    }
    if with_statuses:
        row["statuses"] = [status_out(s) for s in p.statuses.all()]
    return row


def status_out(s) -> dict:
    return {
        "id": s.pk,
        "kind": s.kind,
        "kind_name": str(s.get_kind_display()),
        "valid_from": s.valid_from,
        "valid_to": s.valid_to,
        "source": s.source,
    }


class PersonPage(Schema):
    count: int
    results: list[PersonOut]


@router.get("/persons", response=PersonPage)
def person_list(
    request,
    q: str = "",
    region: str = "",
    status: str = "",
    group: str = "",
    offset: Offset = 0,
    limit: Limit = 50,
):
    qs = selectors.person_search(user=request.user, text=q, region_code=region, status=status, group=group)
    limit = max(1, min(limit, 500))
    return {
        "count": qs.count(),
        "results": [person_out(p) for p in qs[max(0, offset) : max(0, offset) + limit]],
    }


class PersonIn(Schema):
    name: str
    id_number: str
    region_code: str
    phone: str = ""
    address: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


@router.post("/persons", response={201: PersonDetailOut})
def person_create(request, payload: PersonIn):
    person = services.person_create(actor=request.user, request=request, **payload.dict())
    return Status(201, person_out(person, with_statuses=True))


@router.get("/persons/{person_id}", response=PersonDetailOut)
def person_detail(request, person_id: Id):
    return person_out(selectors.person_get(user=request.user, person_id=person_id), with_statuses=True)


class PersonPatch(Schema):
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    region_code: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


@router.patch("/persons/{person_id}", response=PersonDetailOut)
def person_update(request, person_id: Id, payload: PersonPatch):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    person = services.person_update(
        actor=request.user, person=person, request=request, **payload.dict(exclude_unset=True)
    )
    return person_out(person, with_statuses=True)


class StatusIn(Schema):
    kind: str
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    source: str
    note: str = ""


@router.post("/persons/{person_id}/statuses", response={201: StatusOut})
def status_add(request, person_id: Id, payload: StatusIn):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    s = services.status_add(actor=request.user, person=person, request=request, **payload.dict())
    return Status(201, status_out(s))


class StatusEndIn(Schema):
    valid_to: datetime.date


@router.post("/persons/{person_id}/statuses/{status_id}/end", response=StatusOut)
def status_end(request, person_id: Id, status_id: Id, payload: StatusEndIn):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    status = PersonStatus.objects.filter(pk=status_id, person=person).first()
    if status is None:
        raise NotFound()
    s = services.status_end(actor=request.user, status=status, valid_to=payload.valid_to, request=request)
    return status_out(s)


class UnmaskIn(Schema):
    purpose: str


class UnmaskOut(Schema):
    id_number: str
    phone: str
    address: str
    birth_date: datetime.date
    latitude: float | None
    longitude: float | None


@router.post("/persons/{person_id}/unmask", response=UnmaskOut)
def person_unmask(request, person_id: Id, payload: UnmaskIn):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return services.person_unmask(actor=request.user, person=person, purpose=payload.purpose, request=request)


@router.get("/persons/{person_id}/history")
def person_history(request, person_id: Id):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return [audit_row(e) for e in selectors.person_history(person)[:200]]


class ImportOut(Schema):
    id: int
    file_name: str
    state: str
    total_rows: int
    processed_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    rejected_count: int
    error: str
    rejections: list[dict]


def import_out(job: ImportJob) -> dict:
    return {f: getattr(job, f) for f in ImportOut.model_fields} | {"rejections": job.rejections[:1000]}


@router.post("/imports", response={202: ImportOut})
def import_create(request, file: UploadedFile = File(...)):
    job = services.import_start(actor=request.user, uploaded_file=file, request=request)
    job.refresh_from_db()
    return Status(202, import_out(job))


@router.get("/imports/{job_id}", response=ImportOut)
def import_detail(request, job_id: Id):
    return import_out(selectors.import_job_get(user=request.user, job_id=job_id))


@router.get("/imports/{job_id}/rejections.csv")
def import_rejections(request, job_id: Id):
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    body = services.import_rejections_export(actor=request.user, job=job, request=request)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rejections.csv"'
    return response


class ContactIn(Schema):
    name: str
    relation: str
    phone: str = ""
    username: str = ""


class ContactOut(Schema):
    id: int
    name: str
    relation: str
    phone: str  # masked
    linked_account: bool


@router.post("/persons/{person_id}/contacts", response={201: ContactOut})
def contact_add(request, person_id: Id, payload: ContactIn):
    person = selectors.person_get(user=request.user, person_id=person_id, perm="registry.edit")
    account = services.resident_account_for(payload.username) if payload.username else None
    c = services.family_contact_add(
        actor=request.user,
        person=person,
        name=payload.name,
        relation=payload.relation,
        phone=payload.phone,
        user=account,
        request=request,
    )
    return Status(
        201,
        {
            "id": c.pk,
            "name": c.name,
            "relation": c.relation,
            "phone": c.phone_masked,
            "linked_account": c.user_id is not None,
        },
    )
