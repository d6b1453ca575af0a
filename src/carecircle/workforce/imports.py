"""Importing the register from Excel or CSV (core.tables): one row per worker, with at most one
certificate. Every row goes through the same services as the pages (worker_register,
certificate_add), so every check applies; the report names each refused row (row number, column,
message). All or nothing: one refused row and nothing of the file is saved."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import DomainError, InvalidInput
from carecircle.core.tables import (
    FileRejected,
    check_row_width,
    check_upload,
    open_table,
    parse_date,
    upload_suffix,
)
from carecircle.core.types import Actor
from carecircle.workforce.models import CertificateKind, WorkerRole
from carecircle.workforce.services import certificate_add, worker_register

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

COLUMNS = {
    "姓名": "name",
    "身份证号": "id_number",
    "联系电话": "phone",
    "岗位": "role",
    "区划代码": "region_code",
    "入职日期": "employed_from",
    "离职日期": "employed_to",
    "工作场所编号": "unit_id",
    "证书类别": "kind",
    "证书等级": "level",
    "证书编号": "number",
    "发证机构": "issuer",
    "有效期起": "valid_from",
    "有效期止": "valid_to",
}
LABELS = {v: k for k, v in COLUMNS.items()}
REQUIRED = ("姓名", "岗位", "区划代码", "入职日期")
_ROLES = {str(label): value for value, label in WorkerRole.choices} | {v: v for v in WorkerRole.values}
_KINDS = {str(label): value for value, label in CertificateKind.choices} | {
    v: v for v in CertificateKind.values
}


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    created: int = 0
    certificates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.errors and self.created > 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _int(value: Any, name: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(_("应为整数：%(v)s") % {"v": text}, field=name)
    return int(text)


def _row(rec: dict[str, Any], *, actor: Actor, employer_kind: str, organisation_id: int, request) -> int:
    """Register one row's worker (and certificate); returns the number of certificates added."""
    role_text = _text(rec.get("role"))
    if role_text not in _ROLES:
        raise InvalidInput(_("未知的岗位：%(v)s") % {"v": role_text}, field="role")
    to = _text(rec.get("employed_to"))
    worker = worker_register(
        actor=actor,
        employer_kind=employer_kind,
        organisation_id=organisation_id,
        role=_ROLES[role_text],
        name=_text(rec.get("name")),
        id_number=_text(rec.get("id_number")),
        phone=_text(rec.get("phone")),
        region_code=_text(rec.get("region_code")),
        employed_from=parse_date(rec.get("employed_from"), "employed_from"),
        employed_to=parse_date(to, "employed_to") if to else None,
        unit_id=_int(rec.get("unit_id"), "unit_id"),
        request=request,
    )
    kind_text = _text(rec.get("kind"))
    if not kind_text:
        return 0
    if kind_text not in _KINDS:
        raise InvalidInput(_("未知的证书类别：%(v)s") % {"v": kind_text}, field="kind")
    if not _text(rec.get("valid_from")):
        raise InvalidInput(_("请填写有效期起"), field="valid_from")
    until = _text(rec.get("valid_to"))
    certificate_add(
        actor=actor,
        caregiver=worker,
        kind=_KINDS[kind_text],
        level=_int(rec.get("level"), "level"),
        number=_text(rec.get("number")),
        issuer=_text(rec.get("issuer")),
        valid_from=parse_date(rec.get("valid_from"), "valid_from"),
        valid_to=parse_date(until, "valid_to") if until else None,
        request=request,
    )
    return 1


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any] | InvalidInput]]]:
    headers, rows, _total = open_table(path)
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise FileRejected(_("缺少必填列：%(c)s") % {"c": "、".join(missing)})
    fields = [COLUMNS.get(h, "") for h in headers]
    out: list[tuple[int, dict[str, Any] | InvalidInput]] = []
    for number, values in rows:
        try:
            check_row_width(headers, values)
        except InvalidInput as exc:
            out.append((number, exc))
            continue
        out.append((number, {f: values[i] if i < len(values) else None for i, f in enumerate(fields) if f}))
    return headers, out


@transaction.atomic
def workers_import(
    *,
    actor: Actor,
    employer_kind: str,
    organisation_id: int,
    uploaded_file: UploadedFile[bytes],
    request: HttpRequest | None = None,
) -> ImportReport:
    """Import the file for one employer; any refused row rolls the whole file back."""
    report = ImportReport(file_name=check_upload(uploaded_file))
    with tempfile.NamedTemporaryFile(suffix=upload_suffix(report.file_name)) as tmp:
        for chunk in uploaded_file.chunks():
            tmp.write(chunk)
        tmp.flush()
        _headers, rows = read_rows(Path(tmp.name))
    for number, rec in rows:
        report.rows += 1
        if isinstance(rec, InvalidInput):
            report.errors.append({"row": number, "field": str(rec.field or ""), "message": str(rec.message)})
            continue
        try:
            with transaction.atomic():
                report.certificates += _row(
                    rec,
                    actor=actor,
                    employer_kind=employer_kind,
                    organisation_id=organisation_id,
                    request=request,
                )
        except DomainError as exc:
            name = str(exc.field or "")
            report.errors.append(
                {"row": number, "field": LABELS.get(name, name), "message": str(exc.message)}
            )
            continue
        report.created += 1
    if not report.rows:
        raise FileRejected(_("文件中没有数据行"))
    if report.errors:
        transaction.set_rollback(True)  # nothing half-saved
        report.created = report.certificates = 0
        return report
    audit.record(
        actor=actor,
        action=AuditAction.WORKER_IMPORT,
        object_type="workforce.import",
        object_id=str(organisation_id),
        request=request,
        employer_kind=employer_kind,
        rows=report.rows,
        certificates=report.certificates,
    )
    return report
