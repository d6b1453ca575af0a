"""Bulk import of people and their statuses from Excel (.xlsx) or CSV (UTF-8 or GBK).

A file whose structure is wrong (not a spreadsheet, unreadable encoding, wrong columns) is refused
whole before anything is written. Otherwise every row is validated: good rows are written in
batches, each batch in one transaction together with the job's progress, and every bad row is kept
in the report with its row number, the field and the reason. Re-running the same file writes
nothing new (people are matched on the blind index of their ID number; statuses on kind and
period), so a run that crashed half-way is finished by running it again.

A job is resumable: each batch commits, in the same transaction, the job's counts, its rejections
so far and `resume_row` (the file row the batch ended on). A resumed run skips the rows up to
`resume_row` (reading them only to know the ID numbers seen before) and goes on from there, so
every row is counted once however often the job was interrupted (registry/importjobs.py).
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import audit, exports, limits, scope
from carecircle.core.audit_actions import AuditAction
from carecircle.core.errors import InvalidInput
from carecircle.core.models import Region
from carecircle.core.regions import COMMUNITY
from carecircle.core.tables import FileRejected, check_row_width, open_table, parse_date
from carecircle.core.vault import blind_index, mask_address, mask_id_number, mask_phone, phone_index
from carecircle.registry.checks import (
    CHILD_STATUSES,
    check_registrable_age,
    clean_phone,
    district_places,
    registered_elsewhere_message,
)
from carecircle.registry.identity import parse_id_number
from carecircle.registry.models import ImportJob, Person, PersonStatus, StatusKind

COLUMNS = {  # header in the file -> field
    "姓名": "name",
    "身份证号": "id_number",
    "社区代码": "region_code",
    "联系电话": "phone",
    "居住地址": "address",
    "经度": "longitude",
    "纬度": "latitude",
    "状况": "statuses",
    "状况起始日期": "status_from",
    "信息来源": "source",
}
REQUIRED = ["姓名", "身份证号", "社区代码"]
HEADER_ALIASES = {
    "身份证号码": "身份证号",
    "公民身份号码": "身份证号",
    "所属社区代码": "社区代码",
    "电话": "联系电话",
    "地址": "居住地址",
}
STATUS_BY_LABEL = {str(k.label): k.value for k in StatusKind} | {
    "计生特殊家庭": "shidu",
    "失独": "shidu",
    "户籍": "huji",
    "常住": "changzhu",
}
BATCH = 2000


@dataclass
class RowResult:
    created: list = field(default_factory=list)
    new_statuses: list = field(default_factory=list)
    updates: list = field(default_factory=list)


def template_csv() -> bytes:
    sample = [
        "张三",
        "330106195003071234",
        "330106001001",
        "13800001234",
        "文新街道桂花苑3幢501室",
        "120.1301",
        "30.2871",
        "独居、低保",
        "2026-01-01",
        "民政低保系统",
    ]
    return exports.csv_bytes([list(COLUMNS.keys()), sample])


def template_xlsx() -> bytes:
    wb = exports.workbook()
    ws = wb.active
    ws.title = "人员"
    exports.sheet_append(ws, list(COLUMNS.keys()))
    notes = wb.create_sheet("填写说明")
    exports.sheet_append(notes, ["列", "说明"])
    for line in [
        ("姓名", "必填"),
        ("身份证号", "必填，18位，校验位须正确；性别和出生日期由身份证号计算"),
        ("社区代码", "必填，12位统计用区划代码（社区/村一级）"),
        ("状况", "可填多项，用顿号或逗号分隔：" + "、".join(STATUS_BY_LABEL)),
        ("状况起始日期", "格式 2026-01-01；不填则为导入当日"),
    ]:
        exports.sheet_append(notes, list(line))
    return exports.xlsx_bytes(wb)


def check_headers(headers: list[str]) -> list[str]:
    """Map headers to fields; refuse a file whose columns are not ours."""
    names = [HEADER_ALIASES.get(h, h) for h in headers]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [h for h in names if h and h not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少必填列：%(c)s") % {"c": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(c)s") % {"c": "、".join(unknown)})
        raise FileRejected("；".join(parts) + _("。请使用导入模板。"))
    dupes = {n for n in names if n and names.count(n) > 1}
    if dupes:
        raise FileRejected(_("列重复：%(c)s") % {"c": "、".join(sorted(dupes))})
    return [COLUMNS.get(n, "") for n in names]


def inspect_file(path: Path) -> int:
    """Check a file's structure up front; returns the estimated number of rows."""
    headers, _rows, total = open_table(path)
    check_headers(headers)
    return total


# ---------------------------------------------------------------- parsing values


def _parse_float(value, field_name: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("不是数字：%(v)s") % {"v": value}, field=field_name) from None
    if not low <= number <= high:
        raise InvalidInput(_("超出范围：%(v)s") % {"v": value}, field=field_name)
    return number


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_SPLIT = re.compile(r"[、,，;；/\s]+")


# ---------------------------------------------------------------- the run


class ImportContext:
    def __init__(self, job: ImportJob, actor):
        self.job = job
        self.actor = actor
        self.today = timezone.localdate()
        self.owner = job.owner  # set: every batch first checks the job is still this process's
        self.prefixes = scope.prefixes(actor, "registry.import")
        self.communities = set(Region.objects.filter(level=COMMUNITY).values_list("code", flat=True))
        self.places = district_places()
        self.seen: dict[str, int] = {}  # blind index -> first row number in this file
        self.default_source = _("批量导入：%(f)s") % {"f": job.file_name}


def _registered_child(number: str, day: datetime.date) -> bool:
    """Whether this ID number is a child already registered as 困境儿童 or 孤儿 on `day` (a file's row
    for them may leave the statuses out); asked only of a row the age check refused."""
    return PersonStatus.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        person__id_hash=blind_index(number),
        kind__in=CHILD_STATUSES,
        valid_from__lte=day,
    ).exists()


def parse_row(ctx: ImportContext, number: int, values: dict) -> dict:
    name = _cell(values.get("name"))
    if not name:
        raise InvalidInput(_("姓名不能为空"), field="姓名")
    kinds = []
    for label in _SPLIT.split(_cell(values.get("statuses"))):
        if not label:
            continue
        if label not in STATUS_BY_LABEL:
            raise InvalidInput(_("未知的状况：%(s)s") % {"s": label}, field="状况")
        kinds.append(STATUS_BY_LABEL[label])
    try:
        identity = parse_id_number(_cell(values.get("id_number")), today=ctx.today, extra_places=ctx.places)
        try:
            check_registrable_age(identity.birth_date, ctx.today, kinds=kinds)  # 3–17: only 困境儿童、孤儿
        except InvalidInput:
            if not _registered_child(identity.number, ctx.today):  # a row of a child already on the register
                raise
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="身份证号") from None
    region_code = _cell(values.get("region_code"))
    if region_code not in ctx.communities:
        raise InvalidInput(_("未知的社区代码：%(c)s") % {"c": region_code or "（空）"}, field="社区代码")
    if not any(region_code.startswith(p) for p in ctx.prefixes):
        raise InvalidInput(_("社区不在您的管辖范围内：%(c)s") % {"c": region_code}, field="社区代码")
    id_hash = blind_index(identity.number)
    if id_hash in ctx.seen:
        raise InvalidInput(_("与第%(n)d行身份证号重复") % {"n": ctx.seen[id_hash]}, field="身份证号")
    phone = clean_phone(_cell(values.get("phone")), field="联系电话")
    lat = _parse_float(values.get("latitude"), "纬度", limits.LATITUDE_MIN, limits.LATITUDE_MAX)
    lng = _parse_float(values.get("longitude"), "经度", limits.LONGITUDE_MIN, limits.LONGITUDE_MAX)
    status_from = (
        parse_date(values["status_from"], "状况起始日期") if _cell(values.get("status_from")) else ctx.today
    )
    ctx.seen[id_hash] = number
    return {
        "name": name,
        "identity": identity,
        "id_hash": id_hash,
        "region_code": region_code,
        "phone": phone,
        "address": _cell(values.get("address")),
        "latitude": lat,
        "longitude": lng,
        "kinds": kinds,
        "status_from": status_from,
        "source": _cell(values.get("source")) or ctx.default_source,
    }


class JobTakenOver(Exception):
    """Another process took this job over (this one was thought dead): stop without writing."""


def _write_batch(
    ctx: ImportContext, rows: list[dict], rejections: list[dict], processed: int, last_row: int
) -> None:
    job = ctx.job
    existing = {p.id_hash: p for p in Person.objects.filter(id_hash__in=[r["id_hash"] for r in rows])}
    status_ends: dict[tuple[int, str], list] = {}  # (person, kind) -> the valid_to of each period
    if existing:
        for pid, kind, vto in PersonStatus.objects.filter(
            person_id__in=[p.pk for p in existing.values()]
        ).values_list("person_id", "kind", "valid_to"):
            status_ends.setdefault((pid, kind), []).append(vto)
    new_people, updated, unchanged = [], 0, 0
    statuses: list[tuple[dict, str]] = []
    changed_people: set[str] = set()  # id hashes of the existing people this batch changes
    for r in rows:
        person = existing.get(r["id_hash"])
        if person is None:
            new_people.append(r)
            statuses.extend((r, k) for k in r["kinds"])
            continue
        if not any(person.region_code.startswith(p) for p in ctx.prefixes):
            rejections.append(
                {
                    "row": r["row"],
                    "field": "身份证号",
                    "reason": registered_elsewhere_message(),
                    "name": r["name"],
                }
            )
            continue
        changed = _apply_changes(person, r)
        if changed:
            changed_people.add(r["id_hash"])
        # A status is new unless a period of that kind is still open on the row's start date.
        new_kinds = [
            k
            for k in r["kinds"]
            if not any(vto is None or vto >= r["status_from"] for vto in status_ends.get((person.pk, k), []))
        ]
        for k in new_kinds:
            statuses.append(({**r, "person": person}, k))
        if changed or new_kinds:
            updated += 1
        else:
            unchanged += 1
    with transaction.atomic():
        # Still ours? (Locks the job's row on PostgreSQL; SQLite writes one transaction at a time.)
        if ctx.owner and not ImportJob.objects.filter(pk=job.pk, owner=ctx.owner).update(
            heartbeat_at=timezone.now()
        ):
            raise JobTakenOver()
        created = Person.objects.bulk_create(
            [
                Person(
                    name=r["name"],
                    sex=r["identity"].sex,
                    birth_date=r["identity"].birth_date,
                    id_number=r["identity"].number,
                    id_hash=r["id_hash"],
                    id_masked=mask_id_number(r["identity"].number),
                    phone=r["phone"],
                    phone_masked=mask_phone(r["phone"]),
                    phone_index=phone_index(r["phone"]),  # a bulk insert does not call save()
                    address=r["address"],
                    address_masked=mask_address(r["address"]),
                    region_code=r["region_code"],
                    latitude=r["latitude"],
                    longitude=r["longitude"],
                    source=r["source"],
                )
                for r in new_people
            ],
            batch_size=500,
        )
        if statuses and created and created[0].pk is None:  # backends that return no ids
            ids = dict(
                Person.objects.filter(id_hash__in=[r["id_hash"] for r in new_people]).values_list(
                    "id_hash", "id"
                )
            )
        else:
            ids = {p.id_hash: p.pk for p in created}
        PersonStatus.objects.bulk_create(
            [
                PersonStatus(
                    person_id=r["person"].pk if "person" in r else ids[r["id_hash"]],
                    region_code=r["region_code"] if "person" not in r else r["person"].region_code,
                    kind=k,
                    valid_from=r["status_from"],
                    source=r["source"],
                    created_by=ctx.actor if ctx.actor.is_authenticated else None,
                )
                for r, k in statuses
            ],
            batch_size=1000,
        )
        for r in rows:
            person = existing.get(r["id_hash"])
            if person is not None and r["id_hash"] in changed_people:
                person.save()
        # The batch's outcome and where to resume commit with its rows: counted once per row.
        job.processed_rows, job.resume_row = processed, last_row
        job.created_count += len(created)
        job.updated_count += updated
        job.unchanged_count += unchanged
        job.rejections, job.rejected_count = rejections, len(rejections)
        job.save(
            update_fields=[
                "processed_rows",
                "resume_row",
                "created_count",
                "updated_count",
                "unchanged_count",
                "rejected_count",
                "rejections",
            ]
        )
        if created or updated:
            audit.record(
                actor=ctx.actor,
                action=AuditAction.IMPORT_BATCH,
                obj=job,
                region_code=job.region_code,
                created=len(created),
                updated=updated,
                rows=[r["row"] for r in rows][:1] + [rows[-1]["row"]],
            )


def _apply_changes(person: Person, r: dict) -> bool:
    changed = False
    for attr, value in (("name", r["name"]), ("region_code", r["region_code"])):
        if value and getattr(person, attr) != value:
            setattr(person, attr, value)
            changed = True
    if r["phone"] and person.phone != r["phone"]:
        person.phone, person.phone_masked = r["phone"], mask_phone(r["phone"])
        changed = True
    if r["address"] and person.address != r["address"]:
        person.address, person.address_masked = r["address"], mask_address(r["address"])
        changed = True
    for attr in ("latitude", "longitude"):
        if r[attr] is not None and getattr(person, attr) != r[attr]:
            setattr(person, attr, r[attr])
            changed = True
    return changed


def import_run(job: ImportJob, actor, progress=None) -> ImportJob:
    """Run an import job to the end, from where its last committed batch ended. `progress(done,
    total)` is called after every batch. The caller holds the job (registry/importjobs.py)."""
    ctx = ImportContext(job, actor)
    path = Path(job.stored_path)
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    rejections: list[dict] = list(job.rejections) if job.resume_row else []
    resume_row, processed = job.resume_row, job.processed_rows if job.resume_row else 0
    finished = False
    try:
        headers, rows, total = open_table(path)
        fields = check_headers(headers)
        job.total_rows = total
        job.save(update_fields=["total_rows"])
        batch: list[dict] = []
        last_row = resume_row
        for number, values in rows:
            record = {f: values[i] if i < len(values) else None for i, f in enumerate(fields) if f}
            if number <= resume_row:  # committed before: only note the ID numbers seen
                try:
                    parse_row(ctx, number, record)
                except InvalidInput:
                    pass
                continue
            processed += 1
            last_row = number
            try:
                check_row_width(headers, values)
                parsed = parse_row(ctx, number, record)
            except InvalidInput as exc:
                rejections.append(
                    {  # bounded: a row's entry holds no whole cell (the row limit bounds the count)
                        "row": number,
                        "field": exc.field or "",
                        "reason": str(exc.message)[:200],
                        "name": _cell(record.get("name"))[:50],
                    }
                )
                parsed = None
            if parsed is not None:
                parsed["row"] = number
                batch.append(parsed)
            if processed % BATCH == 0:  # every BATCH rows read, good or bad: write and report progress
                _write_batch(ctx, batch, rejections, processed, last_row)
                batch = []
                if progress:
                    progress(processed, total)
        if batch or last_row > job.resume_row:
            _write_batch(ctx, batch, rejections, processed, last_row)
        job.total_rows = processed
        job.state = ImportJob.State.DONE
        finished = True
    except FileRejected as exc:
        job.state, job.error = ImportJob.State.FAILED, str(exc.message)
    except JobTakenOver:
        return job  # the other process finishes it and writes the outcome
    except BaseException as exc:  # keep what was committed; a retry goes on after its last batch
        job.state = ImportJob.State.FAILED
        reason = _("已取消") if isinstance(exc, KeyboardInterrupt) else str(exc)
        job.error = _("导入中断：%(e)s。已保存前 %(n)d 行的结果，点击“继续导入”即可从中断处继续。") % {
            "e": reason,
            "n": job.processed_rows,
        }
        raise
    finally:
        # Only what committed with the batches counts; a failed run leaves the counts as they were.
        fields_saved = ["state", "error", "finished_at"]
        if finished:
            fields_saved += ["total_rows", "processed_rows", "rejected_count", "rejections"]
        job.finished_at = timezone.now()
        ImportJob.objects.filter(pk=job.pk, owner=job.owner).update(
            **{f: getattr(job, f) for f in fields_saved}
        )
        if progress:
            progress(job.processed_rows, job.total_rows)
    return job


def rejections_csv(job: ImportJob) -> bytes:
    rows = [[r["row"], r.get("name", ""), r.get("field", ""), r["reason"]] for r in job.rejections]
    return exports.csv_bytes([["行号", "姓名", "字段", "原因"], *rows])
