import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from carecircle.core import audit, regions
from carecircle.core.models import AuditEvent, Region
from carecircle.core.region_import import region_import


def test_region_codes():
    assert regions.level_of("330000000000") == regions.PROVINCE
    assert regions.level_of("330100000000") == regions.CITY
    assert regions.level_of("330106000000") == regions.DISTRICT
    assert regions.level_of("330106005000") == regions.STREET
    assert regions.level_of("330106005001") == regions.COMMUNITY
    assert regions.prefix_of("330106005000") == "330106005"
    assert regions.parent_code_of("330106005001") == "330106005000"
    assert regions.contains("330106000000", "330106005001")
    assert not regions.contains("330106000000", "330105005001")
    assert not regions.is_valid_code("33010600500") and not regions.is_valid_code("00000000000a")


def test_healthz_reports_engine_and_migrations(client_for, users):
    body = client_for(users["admin"]).get("/healthz").json()  # anyone else: only ok / not ok
    assert body["database"]["engine"] == connection.vendor
    assert body["migrations"]["up_to_date"] is True and body["status"] == "ok"


def test_region_import_reports_bad_rows_and_orders_parents_first(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(
        "区划代码,名称,纬度,经度\n"
        "330106005001,翠苑一区社区,30.28,120.12\n"  # before its parents: still imported
        "330106005000,翠苑街道,30.28,120.12\n"
        "330106000000,西湖区,30.26,120.13\n"
        "330100000000,杭州市,30.27,120.15\n"
        "330000000000,浙江省,,\n"
        "12345,坏代码,,\n"
        "330107001000,无上级街道,,\n"
        "330106006000,,,\n",
        encoding="utf-8",
    )
    result = region_import(path, actor=None)
    assert result["created"] == 5
    rejected = {r["row"]: r["reason"] for r in result["rejected"]}
    # "12345" is short and is read as 123450000000, whose province does not exist.
    assert set(rejected) == {7, 8, 9}
    assert "上级区划不存在" in rejected[8] and "名称" in rejected[9]
    community = Region.objects.get(code="330106005001")
    assert community.parent_id == "330106005000" and community.level == 5
    again = region_import(path, actor=None)  # nothing differs: nothing is rewritten
    assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 5


def test_audit_rows_cannot_be_changed(users):
    event = audit.record(actor=users["admin"], action="test.write", object_type="x", object_id="1")
    event.action = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    # Nor past the model, in the database itself.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.write"


def test_audit_page_is_scoped(users, make_person, client_for):
    person = make_person()
    from carecircle.registry.services import person_unmask

    person_unmask(actor=users["street"], person=person, purpose="核实")
    body = client_for(users["district"]).get("/audit/?action=pii.unmask").content.decode()
    assert "核实" in body
    assert "核实" not in client_for(users["district_b"]).get("/audit/?action=pii.unmask").content.decode()
    assert client_for(users["street"]).get("/audit/").status_code == 403


def test_language_switch_to_english(users, client_for):
    client = client_for(users["street"])
    assert "人员信息" in client.get("/").content.decode()
    client.get("/lang/en/?next=/")
    body = client.get("/").content.decode()
    assert "People" in body and "Sign out" in body


def test_region_table_upload_page(users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "r.csv", "区划代码,名称\n339901001003,新建社区\n339909001001,无上级\n".encode("gbk")
    )
    body = client_for(users["admin"]).post("/regions/", {"file": upload}).content.decode()
    assert "新增 1" in body and "上级区划不存在" in body
    assert Region.objects.filter(code="339901001003", parent_id="339901001000").exists()
    upload = SimpleUploadedFile("r.csv", "区划代码,名称\n339901001004,x\n".encode())
    assert client_for(users["street"]).post("/regions/", {"file": upload}).status_code == 403


def test_error_pages_speak_chinese(users, client_for, settings):
    settings.DEBUG = False
    response = client_for(users["street"]).get("/people/999999/")
    assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
    response = client_for(users["street"]).get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    from django.template.loader import render_to_string

    assert "系统出错了" in render_to_string("500.html")
