"""Issue 13, High 3: the region table is written only inside the writer's scope.

A district official of 东湖区 (339901) writes only codes inside 东湖区, creates a code only under a
region they hold with `region.manage`, and every region write is audited with its region_code. The
system (an operator's CLI run without --user, migrations, fixtures) is not limited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from carecircle.core.errors import Forbidden
from carecircle.core.models import AuditEvent, Region
from carecircle.core.region_import import region_import
from carecircle.core.services import region_upsert

# Rows 2 and 3 lie in 西山区 (the other district); rows 4 and 5 in 东湖区; row 6 creates a new district.
MIXED = (
    "区划代码,名称,纬度,经度\n"
    "339902001001,被改名的和睦社区,30.2,120.0\n"
    "339902001002,被塞进来的新社区,,\n"
    "339901001003,新建的翠竹社区,30.29,120.12\n"
    "339901001001,桂花社区（更名）,30.291,120.121\n"
    "339903000000,凭空新增的区,,\n"
)


def _csv(tmp_path, text=MIXED, name="regions.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _assert_outside_untouched():
    assert Region.objects.get(code="339902001001").name == "和睦社区"
    assert not Region.objects.filter(code__in=["339902001002", "339903000000"]).exists()


def test_district_official_region_import_stays_inside_their_district(users, tmp_path):
    result = region_import(_csv(tmp_path), actor=users["district"])
    rejected = {r["row"]: r for r in result["rejected"]}
    assert set(rejected) == {2, 3, 6}, result
    for row in rejected.values():
        assert row["field"] == "区划代码" and "管辖范围" in row["reason"]
    _assert_outside_untouched()
    # The good rows are kept.
    assert result["created"] == 1 and result["updated"] == 1
    assert Region.objects.get(code="339901001003").parent_id == "339901001000"
    assert Region.objects.get(code="339901001001").name == "桂花社区（更名）"


def test_every_region_write_is_audited_with_its_region(users, tmp_path):
    region_import(_csv(tmp_path), actor=users["district"])
    rows = {
        e.region_code: e
        for e in AuditEvent.objects.filter(
            action__in=["region.create", "region.update"], user=users["district"]
        )
    }
    assert set(rows) == {"339901001003", "339901001001"}
    assert rows["339901001003"].action == "region.create" and rows["339901001003"].user == users["district"]
    assert rows["339901001001"].detail["before"]["name"] == "桂花社区"
    # the city fixture was written by the system, one audited row per region
    assert AuditEvent.objects.filter(action="region.create", user=None, region_code="339902001001").exists()
    summary = AuditEvent.objects.get(action="region.import")
    assert summary.region_code == "339901001000" and summary.detail["rejected"] == 3


def test_region_upsert_checks_the_actor(users, city):
    with pytest.raises(Forbidden):
        region_upsert(actor=users["district"], code="339902001001", name="改名")
    with pytest.raises(Forbidden):  # a new code needs region.manage over its parent
        region_upsert(actor=users["district"], code="339903000000", name="新区")
    with pytest.raises(Forbidden):  # a street worker holds no region.manage at all
        region_upsert(actor=users["street"], code="339901001003", name="新社区")
    _assert_outside_untouched()
    write = region_upsert(actor=users["district_b"], code="339902001002", name="西山新社区")
    assert write.created and write.region.parent_id == "339902001000"
    assert region_upsert(actor=users["admin"], code="339903000000", name="新区").created
    assert AuditEvent.objects.filter(
        action="region.create", region_code="339903000000", user=users["admin"]
    ).exists()


def test_unchanged_region_is_not_rewritten(users, tmp_path):
    path = _csv(tmp_path, "区划代码,名称,纬度,经度\n339901001001,桂花社区,30.291,120.121\n")
    result = region_import(path, actor=users["district"])
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 1)
    assert not AuditEvent.objects.filter(action__startswith="region.", user=users["district"]).exists()


def test_region_page_upload_refuses_rows_outside_scope(users, client_for):
    upload = SimpleUploadedFile("regions.csv", MIXED.encode("utf-8"), content_type="text/csv")
    response = client_for(users["district"]).post("/regions/", {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "管辖范围" in body
    _assert_outside_untouched()
    assert Region.objects.filter(code="339901001003").exists()
    # Without region.manage the page refuses the upload as a whole.
    upload = SimpleUploadedFile("regions.csv", MIXED.encode("utf-8"), content_type="text/csv")
    assert client_for(users["street"]).post("/regions/", {"file": upload}).status_code == 403


def test_cli_region_import_as_a_user_is_checked_and_as_the_system_is_not(users, tmp_path, capsys):
    path = _csv(tmp_path)
    call_command("import", "regions", str(path), "--user", "district")
    out = capsys.readouterr().out
    assert "拒绝 3" in out and "管辖范围" in out
    _assert_outside_untouched()
    call_command("import", "regions", str(path))  # an operator's run acts as the system
    assert Region.objects.get(code="339902001001").name == "被改名的和睦社区"
    assert AuditEvent.objects.filter(
        action="region.update", region_code="339902001001", user=None, username="system"
    ).exists()
