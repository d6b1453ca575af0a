"""Issue 13 item 7: the audit trail is complete and cannot be emptied.

- audit rows cannot be deleted on SQLite or PostgreSQL, not even by raw SQL; only a connection
  that marks itself (core.audit.purge_allowed: the test suite's flush, `generate --fresh`) may;
- every write through the Django admin is audited, by one mechanism every ModelAdmin derives from;
- every download of a file with personal data is audited with who, what and how many rows.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from carecircle.core import audit
from carecircle.core.admin_audit import AuditedAdmin
from carecircle.core.models import AuditEvent, Region
from carecircle.core.roles import Role
from tests.conftest import make_user

SRC = Path(__file__).resolve().parents[2] / "src" / "carecircle"


# ------------------------------------------------------------------ rows cannot be deleted


def _refused(sql: str, params=()):
    with pytest.raises(DatabaseError) as err, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return err


def test_audit_rows_cannot_be_deleted_even_by_raw_sql(users):
    row = audit.record(actor=users["admin"], action="test.row", object_id="1")
    _refused("DELETE FROM core_auditevent WHERE id = %s", [row.pk])
    _refused("DELETE FROM core_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).delete()  # the queryset, past the model's delete()
    _refused("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [row.pk])
    if connection.vendor == "postgresql":
        _refused("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(pk=row.pk, action="test.row").exists()


def test_only_a_connection_that_marks_itself_may_empty_the_table(users):
    row = audit.record(actor=users["admin"], action="test.row", object_id="1")
    with audit.purge_allowed(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the row's deferred checks, before TRUNCATE
            cursor.execute("TRUNCATE core_auditevent")  # what the flush does there
        else:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [row.pk])
    assert not AuditEvent.objects.filter(pk=row.pk).exists()
    again = audit.record(actor=users["admin"], action="test.row", object_id="2")
    _refused("DELETE FROM core_auditevent WHERE id = %s", [again.pk])  # the mark ended with the block


def test_nothing_in_the_application_marks_itself_but_generate_fresh():
    callers = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "purge_allowed(" in p.read_text(encoding="utf-8")
        and p.name != "audit.py"
        and "migrations" not in p.parts
    )
    assert callers == ["core/management/commands/generate.py"]


# ------------------------------------------------------------------ the Django admin


def test_every_model_admin_is_audited():
    assert admin.site._registry, "the admin has models"
    plain = [
        f"{m._meta.label}: {type(a).__name__}"
        for m, a in admin.site._registry.items()
        if not isinstance(a, AuditedAdmin)
    ]
    assert plain == []


@pytest.fixture
def root(city, client_for):
    user = make_user("root", Role.CITY_ADMIN, "339900000000", is_staff=True, is_superuser=True)
    return user, client_for(user)


def test_admin_add_change_delete_are_audited(root):
    user, c = root
    form = {
        "code": "339901001009",
        "name": "试验社区",
        "level": 5,
        "parent": "339901001000",
        "latitude": "",
        "longitude": "",
        "boundary": "",
    }
    r = c.post("/admin/core/region/add/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    added = AuditEvent.objects.get(action="admin.add")
    assert (added.user, added.object_type, added.object_id, added.region_code) == (
        user,
        "core.region",
        "339901001009",
        "339901001009",
    )
    assert added.detail["via"] == "admin" and added.ip == "127.0.0.1"
    r = c.post("/admin/core/region/339901001009/change/", {**form, "name": "试验社区二"})
    assert r.status_code == 302
    changed = AuditEvent.objects.get(action="admin.change")
    assert changed.object_id == "339901001009" and changed.detail["changes"] == [
        {"changed": {"fields": ["名称"]}}
    ]
    r = c.post("/admin/core/region/339901001009/delete/", {"post": "yes"})
    assert r.status_code == 302 and not Region.objects.filter(code="339901001009").exists()
    assert AuditEvent.objects.filter(action="admin.delete", object_id="339901001009", user=user).exists()


def test_admin_bulk_delete_and_user_changes_are_audited(root, users):
    user, c = root
    for code in ("339901001007", "339901001008"):
        Region.objects.create(code=code, name=code, level=5, parent_id="339901001000")
    r = c.post(
        "/admin/core/region/",
        {"action": "delete_selected", "_selected_action": ["339901001007", "339901001008"], "post": "yes"},
    )
    assert r.status_code == 302
    assert set(AuditEvent.objects.filter(action="admin.delete").values_list("object_id", flat=True)) == {
        "339901001007",
        "339901001008",
    }
    target = users["community"]
    r = c.post(
        f"/admin/core/user/{target.pk}/password/",
        {"password1": "Another#Passw0rd9", "password2": "Another#Passw0rd9"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert AuditEvent.objects.filter(
        action="admin.change", object_type="core.user", object_id=str(target.pk), user=user
    ).exists()


# ------------------------------------------------------------------ downloads of personal data


def test_rejection_report_downloads_are_audited(users, client_for):
    from carecircle.registry.models import ImportJob

    job = ImportJob.objects.create(
        file_name="people.csv",
        stored_path="/nonexistent",
        region_code="339901000000",
        created_by=users["district"],
        state=ImportJob.State.DONE,
        rejected_count=2,
        rejections=[
            {"row": 2, "name": "张三", "field": "身份证号", "reason": "校验位错误"},
            {"row": 5, "name": "李四", "field": "社区代码", "reason": "不存在"},
        ],
    )
    c = client_for(users["district"])
    for url in (f"/people/imports/{job.pk}/rejections.csv", f"/api/v1/imports/{job.pk}/rejections.csv"):
        r = c.get(url)
        assert r.status_code == 200 and "张三" in r.content.decode("utf-8-sig"), url
    rows = AuditEvent.objects.filter(action="import.rejections_download", object_id=str(job.pk))
    assert rows.count() == 2
    assert all(e.user == users["district"] and e.detail["rows"] == 2 for e in rows)


def test_incident_timeline_download_counts_its_rows(users, make_person, client_for):
    from carecircle.alarms import services

    t0 = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0, 0))
    incident = services.incident_create(
        person=make_person(), source="device", kind="sos", title="跌倒", now=t0
    )
    services.incident_note(actor=users["operator"], incident_id=incident.pk, text="已联系家属", now=t0)
    r = client_for(users["operator"]).get(f"/alarms/incidents/{incident.pk}/timeline.csv")
    assert r.status_code == 200
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    event = AuditEvent.objects.get(action="alarms.timeline_export", object_id=str(incident.pk))
    assert event.user == users["operator"] and event.detail["rows"] == len(lines) - 2  # two header lines


# Every file of src/ that answers with an attachment, and the audit action its downloads write
# (each tested where it is built: rows counted in the detail). A new download fails here until it
# is added with its audit.
DOWNLOADS = {
    "registry/views.py": ["import.rejections_download"],  # and the blank import template (no data)
    "registry/api.py": ["import.rejections_download"],
    "carevisits/views.py": ["carevisits.vulnerable_export"],  # tests/carevisits/test_visits.py
    "registry/views_children.py": ["children.export"],  # tests/registry/test_children_pages.py
    "benefits/views.py": ["payroll.export"],  # tests/benefits/test_payroll.py
    "benefits/api.py": ["payroll.export"],
    "alarms/views.py": ["alarms.timeline_export", "alarms.report_export"],  # the report: counts by region
    "planning/views.py": ["planning.export"],  # indicators: no personal data, audited all the same
    # every staff list's 导出Excel (core/list_export.py writes the row: list, filter, rows, purpose);
    # tests/core/test_list_audit.py and each module's test_lists.py
    "core/list_pages.py": ["list.export"],
    # oversight's open data (issue 20 item 8): public files without personal data, no sign-in, so
    # no one to name in an audit row (tests/oversight/test_public.py, test_public_demo_pii.py)
    "oversight/views_public.py": [],
}


def _module_source(module_file: Path) -> str:
    """The module the file belongs to (its services, or a module of its own, write the audit row)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in module_file.parent.glob("*.py"))


def test_every_download_is_listed_with_its_audit():
    found = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if re.search(r"attachment;", p.read_text(encoding="utf-8")) and "migrations" not in p.parts
    )
    assert found == sorted(DOWNLOADS)
    for file, actions in DOWNLOADS.items():
        source = _module_source(SRC / file)
        for action in actions:
            member = "AuditAction." + action.upper().replace(".", "_")  # core/audit_actions.py
            assert f'"{action}"' in source or member in source, (file, action)
