"""Exporting a staff list (core/lists.py) to .xlsx: exactly the filtered, sorted set, every row.

Up to `CARECIRCLE_EXPORT_SYNC_ROWS` rows (default 5,000) the workbook is the answer to the request;
above, an `ExportJob` is queued and a background task writes it, with a progress page and a
download for the requester only. Every export is one audit row, written when it is asked for:
who, which list, the filter in words, the row count, the purpose and whether personal data was
exported in clear (only with `pii.unmask` over the row's region and a purpose)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, exports, lists, regions, scope, tasks
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import Forbidden, InvalidInput, NotFound
from carecircle.core.models import ExportJob, User
from carecircle.core.types import Actor, signed_in

CHUNK = 1000
log = logging.getLogger(__name__)


def sync_rows() -> int:
    """The most rows exported within the request; more go to a background job."""
    configured = getattr(settings, "CARECIRCLE_EXPORT_SYNC_ROWS", None)
    return int(
        configured if configured is not None else os.environ.get("CARECIRCLE_EXPORT_SYNC_ROWS", "5000")
    )


def may_unmask(user: Actor) -> bool:
    return scope.has_perm(user, "pii.unmask")


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _clear_for(spec: lists.ListSpec, user: Actor, unmask: bool) -> Callable[[Any], bool] | None:
    if not unmask:
        return None
    return lambda row: scope.has_perm(user, "pii.unmask", spec.region_of(row))


def workbook_bytes(
    spec: lists.ListSpec,
    qs: QuerySet[Any],
    *,
    user: Actor,
    unmask: bool,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """The list as an .xlsx file (header row of the column labels, then every row), and its row
    count. Written through core.exports (no cell is ever a formula), a chunk of rows at a time."""
    wb = exports.workbook(write_only=True)
    ws = wb.create_sheet(title=str(spec.title)[:31])
    exports.sheet_append(ws, [str(c.label) for c in spec.columns if not c.page_only])
    if unmask:
        qs = qs.defer(None)  # the encrypted columns a list defers
    clear = _clear_for(spec, user, unmask)
    count = 0
    for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
        for line in lists.cells(spec, chunk, clear=clear, export=True):
            exports.sheet_append(ws, line)
        count += len(chunk)
        if progress is not None:
            progress(count)
    return exports.xlsx_bytes(wb), count


def file_name(spec: lists.ListSpec) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{spec.file_name or spec.name.replace('.', '-')}-{stamp}.xlsx"


def _audit_region(spec: lists.ListSpec, user: Actor, query: lists.ListQuery) -> str:
    """The region the audit row belongs to: the region filtered on, else the common ancestor of
    the user's grants for the list, or else of the regions they see (a provider admin's), so that
    the region's auditors see the export."""
    for f in spec.filters:
        if f.kind == lists.REGION and f.key in query.params:
            return query.params[f.key]
    codes = scope.region_codes(user, spec.perm) or scope.region_codes(user, "region.view")
    return regions.common_ancestor(codes)


def check_request(user: Actor, *, purpose: str, unmask: bool) -> str:
    """The purpose, checked: every export says why; clear personal data needs `pii.unmask`."""
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise InvalidInput(_("导出须填写事由（至少2个字）"), field="purpose")
    if len(purpose) > 200:
        raise InvalidInput(_("事由不能超过200个字"), field="purpose")
    if unmask and not may_unmask(user):
        raise Forbidden(_("您没有查看个人信息明文的权限，只能导出脱敏名单"))
    return purpose


@transaction.atomic
def export_request(
    *,
    spec: lists.ListSpec,
    user: User,
    qs: QuerySet[Any],
    query: lists.ListQuery,
    purpose: str,
    unmask: bool,
    request: HttpRequest | None = None,
) -> tuple[bytes, int] | ExportJob:
    """An export as asked: the workbook and its row count when the set is small enough, else a
    queued ExportJob. Audited either way (one row, with the filter, the count and the purpose)."""
    spec.require(user, export=True)
    purpose = check_request(user, purpose=purpose, unmask=unmask)
    unmask = unmask and spec.has_pii
    total = qs.count()
    detail: dict[str, Any] = {
        "list": spec.name,
        "list_title": str(spec.title),
        "filter": query.described(spec),
        "unmasked": unmask,
    }
    region = _audit_region(spec, user, query)
    if total > sync_rows():
        job = ExportJob.objects.create(
            user=user,
            list_name=spec.name,
            title=str(spec.title),
            params={**query.params, **({"sort": query.sort} if query.sort else {})},
            purpose=purpose,
            unmask=unmask,
            total_rows=total,
        )
        audit.record(
            actor=user,
            action=AuditAction.LIST_EXPORT,
            obj=job,
            region_code=region,
            purpose=purpose,
            request=request,
            rows=total,
            background=True,
            **detail,
        )
        tasks.enqueue(run_export, job_id=job.pk)
        return job
    body, count = workbook_bytes(spec, qs, user=user, unmask=unmask)
    audit.record(
        actor=user,
        action=AuditAction.LIST_EXPORT,
        object_type=spec.name,
        region_code=region,
        purpose=purpose,
        request=request,
        rows=count,
        **detail,
    )
    return body, count


@tasks.task(name="carecircle.core.list_export")
def run_export(job_id: int) -> None:
    """Write a queued export's workbook, saying how far it got after every chunk of rows. The rows
    are read again as the requester sees them now (scope and filter checked once more)."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id, state=ExportJob.State.QUEUED).first()
    if job is None:
        return  # done, failed, or taken by another delivery of the same message
    if not ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING
    ):
        return
    try:
        spec = lists.spec_named(job.list_name)
        qs, _query = lists.parse(spec, job.user, job.params)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(processed_rows=done)

        body, count = workbook_bytes(spec, qs, user=job.user, unmask=job.unmask, progress=progress)
    except Exception as exc:  # the job says it failed, with the reason, instead of hanging
        log.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        return
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE,
        content=body,
        processed_rows=count,
        total_rows=count,
        finished_at=timezone.now(),
    )


def job_get(*, user: Actor, job_id: int) -> ExportJob:
    """An export job of the requester (anyone else's: not found)."""
    if not signed_in(user):
        raise NotFound()
    job = ExportJob.objects.defer("content").filter(pk=job_id, user=user).first()
    if job is None:
        raise NotFound()
    return job


def job_file(*, user: Actor, job_id: int) -> tuple[str, bytes]:
    job = job_get(user=user, job_id=job_id)
    if job.state != ExportJob.State.DONE:
        raise InvalidInput(_("导出尚未完成"), field="job")
    body = bytes(ExportJob.objects.values_list("content", flat=True).get(pk=job.pk))
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return f"{job.list_name.replace('.', '-')}-{stamp}.xlsx", body
