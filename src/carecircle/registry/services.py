"""Writes to the registry. Each checks scope, validates, writes and records the audit row."""

import datetime
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from carecircle.core.limits import check_coordinates, check_latitude, check_longitude
from carecircle.core.models import Region, User
from carecircle.core.regions import COMMUNITY
from carecircle.core.roles import Role
from carecircle.core.tables import check_upload, upload_suffix
from carecircle.core.tasks import enqueue
from carecircle.core.types import Actor, signed_in
from carecircle.core.vault import blind_index, mask_address, mask_id_number, mask_phone
from carecircle.registry import imports, tasks, uploads
from carecircle.registry.checks import (
    check_registrable_age,
    clean_phone,
    district_places,
    registered_elsewhere_message,
)
from carecircle.registry.identity import parse_id_number
from carecircle.registry.imports import rejections_csv
from carecircle.registry.models import FamilyContact, ImportJob, Person, PersonStatus, StatusKind
from carecircle.registry.selectors import PersonAction, require_person_action


def check_community(region_code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=str(region_code or "").strip()).first()
    if region is None:
        raise InvalidInput(_("未知的区划代码：%(c)s") % {"c": region_code}, field=field)
    if region.level != COMMUNITY:
        raise InvalidInput(_("人员应登记到社区（村）一级：%(c)s") % {"c": region_code}, field=field)
    return region


def duplicate_id_conflict(actor: Actor, existing: Person, field: str = "id_number") -> Conflict:
    """The 409 for an ID number that is already registered, told by what `actor` may see: inside
    their scope the existing record with a link (staff need it), outside it nothing about it."""
    if scope.has_perm(actor, "registry.view", existing.region_code):
        url = reverse("registry:person_detail", kwargs={"person_id": existing.pk})
        return Conflict(
            _("该身份证号已登记（%(name)s，编号%(id)s）") % {"name": existing.name, "id": existing.pk},
            field=field,
            person_id=existing.pk,
            url=url,
        )
    return Conflict(registered_elsewhere_message(), field=field)


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    name: str,
    id_number: str,
    region_code: str,
    phone: str = "",
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    source: str = "",
    child_kind: str = "",  # only registry/children_services.child_register, which adds that status at once
    request: HttpRequest | None = None,
) -> Person:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("姓名不能为空"), field="name")
    region = check_community(region_code)
    require_person_action(actor, region.code, PersonAction.EDIT)
    identity = parse_id_number(id_number, extra_places=district_places())
    check_registrable_age(identity.birth_date, kinds=(child_kind,))
    id_hash = blind_index(identity.number)
    existing = Person.objects.filter(id_hash=id_hash).only("id", "name", "region_code").first()
    if existing:
        raise duplicate_id_conflict(actor, existing)
    phone = clean_phone(phone)
    latitude, longitude = check_coordinates(latitude, longitude)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                name=name,
                sex=identity.sex,
                birth_date=identity.birth_date,
                id_number=identity.number,
                id_hash=id_hash,
                id_masked=mask_id_number(identity.number),
                phone=phone,
                phone_masked=mask_phone(phone),
                address=(address or "").strip(),
                address_masked=mask_address((address or "").strip()),
                region_code=region.code,
                latitude=latitude,
                longitude=longitude,
                source=source or _("人工录入"),
            )
    except IntegrityError:  # a concurrent registration of the same number won the race
        existing = Person.objects.filter(id_hash=id_hash).only("id", "name", "region_code").first()
        raise (duplicate_id_conflict(actor, existing) if existing else Conflict(field="id_number")) from None
    audit.record(actor=actor, action=AuditAction.PERSON_CREATE, obj=person, request=request)
    return person


EDITABLE_FIELDS = {"name", "phone", "address", "region_code", "latitude", "longitude"}


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, request: HttpRequest | None = None, **changes: Any
) -> Person:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(
            _("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    require_person_action(actor, person.region_code, PersonAction.EDIT)
    changed = []
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            raise InvalidInput(_("姓名不能为空"), field="name")
        if name != person.name:
            person.name = name
            changed.append("name")
    if "region_code" in changes and changes["region_code"] != person.region_code:
        region = check_community(changes["region_code"])
        require_person_action(
            actor, region.code, PersonAction.EDIT
        )  # moving a person needs both ends in scope
        person.region_code = region.code
        changed.append("region_code")
    if "phone" in changes:
        phone = clean_phone(changes["phone"])
        if phone != person.phone:
            person.phone, person.phone_masked = phone, mask_phone(phone)
            changed.append("phone")
    if "address" in changes:
        address = (changes["address"] or "").strip()
        if address != person.address:
            person.address, person.address_masked = address, mask_address(address)
            changed.append("address")
    for coord, check in (("latitude", check_latitude), ("longitude", check_longitude)):
        if coord in changes and check(changes[coord], coord) != getattr(person, coord):
            setattr(person, coord, check(changes[coord], coord))
            changed.append(coord)
    if changed:
        person.save()
        PersonStatus.objects.filter(person=person).update(region_code=person.region_code)
        FamilyContact.objects.filter(person=person).update(region_code=person.region_code)
        # Which fields changed is recorded; personal values themselves are never copied into the trail.
        audit.record(
            actor=actor, action=AuditAction.PERSON_UPDATE, obj=person, request=request, fields=changed
        )
    return person


def _overlapping(
    person: Person, kind: str, start: datetime.date, end: datetime.date | None
) -> PersonStatus | None:
    q = PersonStatus.objects.filter(person=person, kind=kind)
    q = q.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        q = q.filter(valid_from__lte=end)
    return q.first()


@transaction.atomic
def status_add(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    source: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> PersonStatus:
    if kind not in StatusKind.values:
        raise InvalidInput(_("未知的状况类别：%(k)s") % {"k": kind}, field="kind")
    if not (source or "").strip():
        raise InvalidInput(_("请注明信息来源"), field="source")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("终止日期不能早于起始日期"), field="valid_to")
    require_person_action(actor, person.region_code, PersonAction.EDIT)
    clash = _overlapping(person, kind, valid_from, valid_to)
    if clash:
        raise Conflict(
            _("%(kind)s 与已有记录（%(start)s 起）时间重叠，请先终止原记录")
            % {"kind": StatusKind(kind).label, "start": clash.valid_from},
            field="valid_from",
        )
    status = PersonStatus.objects.create(
        person=person,
        region_code=person.region_code,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source.strip(),
        note=note,
        created_by=actor if signed_in(actor) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.STATUS_ADD,
        obj=person,
        request=request,
        kind=kind,
        valid_from=str(valid_from),
        valid_to=str(valid_to or ""),
        source=source,
    )
    return status


@transaction.atomic
def status_end(
    *, actor: Actor, status: PersonStatus, valid_to: datetime.date, request: HttpRequest | None = None
) -> PersonStatus:
    require_person_action(actor, status.region_code, PersonAction.EDIT)
    if valid_to < status.valid_from:
        raise InvalidInput(_("终止日期不能早于起始日期"), field="valid_to")
    status.valid_to = valid_to
    status.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action=AuditAction.STATUS_END,
        obj=status.person,
        request=request,
        kind=status.kind,
        valid_to=str(valid_to),
    )
    return status


def person_unmask(
    *, actor: Actor, person: Person, purpose: str, request: HttpRequest | None = None
) -> dict[str, object]:
    """The plain personal data of `person`, for a stated purpose; every call is audited."""
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise InvalidInput(_("查看完整信息须填写事由"), field="purpose")
    require_person_action(actor, person.region_code, PersonAction.UNMASK)
    audit.record(actor=actor, action=AuditAction.PII_UNMASK, obj=person, purpose=purpose, request=request)
    return {
        "id_number": person.id_number,
        "phone": person.phone,
        "address": person.address,
        "birth_date": person.birth_date,
        "latitude": person.latitude,
        "longitude": person.longitude,
    }


def resident_account_for(username: str) -> User:
    """The resident (居民/家属) account a family contact links to."""
    user = User.objects.filter(username=(username or "").strip(), grants__role=Role.RESIDENT).first()
    if user is None:
        raise InvalidInput(_("没有这个居民/家属账号：%(u)s") % {"u": username}, field="username")
    return user


@transaction.atomic
def family_contact_add(
    *,
    actor: Actor,
    person: Person,
    name: str,
    relation: str,
    phone: str = "",
    user: User | None = None,
    request: HttpRequest | None = None,
) -> FamilyContact:
    require_person_action(actor, person.region_code, PersonAction.EDIT)
    if not (name or "").strip():
        raise InvalidInput(_("姓名不能为空"), field="name")
    if not (relation or "").strip():
        raise InvalidInput(_("请填写与老人的关系"), field="relation")
    phone = clean_phone(phone)
    if user is not None and FamilyContact.objects.filter(person=person, user=user).exists():
        raise Conflict(_("该账号已关联此人"), field="user")
    contact = FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        name=name.strip(),
        relation=relation.strip(),
        phone=phone,
        phone_masked=mask_phone(phone),
        user=user,
        # an account named here is a pending link until the person confirms it or a worker records the
        # evidence seen (portal: the person's 居民账号与家属关联 page); until then it counts for nothing
        link_requested_at=timezone.now() if user is not None else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CONTACT_ADD,
        obj=person,
        request=request,
        relation=contact.relation,
        linked_account=bool(user),
    )
    return contact


def import_start(
    *, actor: Actor, uploaded_file: "UploadedFile[bytes]", request: HttpRequest | None = None
) -> ImportJob:
    """Check an uploaded file's structure, keep it, and start the import in the background.
    A file that is not ours is refused here and nothing is created."""
    scope.require_perm(actor, "registry.import")
    name = check_upload(uploaded_file)  # size limit; the name is shown, never used as a path
    stored = uploads.store(uploaded_file, suffix=upload_suffix(name))  # owner-only; deleted after the import
    try:
        total = imports.inspect_file(stored)
    except imports.FileRejected:
        stored.unlink(missing_ok=True)
        raise
    codes = scope.region_codes(actor, "registry.import")
    with transaction.atomic():
        job = ImportJob.objects.create(
            file_name=name,
            stored_path=str(stored),
            region_code=codes[0] if len(codes) == 1 else "",
            created_by=actor if signed_in(actor) else None,
            total_rows=total,
        )
        audit.record(actor=actor, action=AuditAction.IMPORT_START, obj=job, request=request, file=name)

        enqueue(tasks.import_people, job_id=job.pk)
    return job


@transaction.atomic
def import_retry(*, actor: Actor, job_id: int, request: HttpRequest | None = None) -> ImportJob:
    """Resume a failed or interrupted import job from its last committed batch, in the background.
    Only the account that started the job can (its report names people by row)."""
    scope.require_perm(actor, "registry.import")
    owner = actor.pk if signed_in(actor) else None
    job = ImportJob.objects.select_for_update().filter(pk=job_id, created_by_id=owner).first()
    if job is None:
        raise NotFound()
    if not job.can_retry:
        raise InvalidInput(_("该导入任务正在进行或已完成，无需继续"), field="job")
    if not Path(job.stored_path).is_file():
        raise InvalidInput(_("导入文件已不存在，请重新上传"), field="file")
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.QUEUED,
        owner="",
        attempts=0,
        error="",
        heartbeat_at=timezone.now(),
        finished_at=None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT_RETRY,
        obj=job,
        request=request,
        file=job.file_name,
        resume_row=job.resume_row,
    )
    enqueue(tasks.import_people, job_id=job.pk)
    return job


def import_rejections_export(*, actor: Actor, job: ImportJob, request: HttpRequest | None = None) -> bytes:
    """An import's rejection report (names and reasons of the refused rows) as a CSV download: a
    file with personal data, so every download is audited with who, which job and how many rows.
    The caller found the job through selectors.import_job_get (scope)."""
    body = rejections_csv(job)
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT_REJECTIONS_DOWNLOAD,
        obj=job,
        request=request,
        rows=len(job.rejections or []),
        file=job.file_name,
    )
    return body
