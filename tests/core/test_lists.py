"""The list component (core/lists.py) on the people list: count, page numbers, sort, filters, bad
parameters (422 naming the parameter), export of exactly the filtered set with names, the audit
row, masking, scope from both sides, and the background export of a large set."""

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, ExportJob
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = pytest.mark.django_db


def sheet(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def people(make_person):
    made = [make_person(name=f"甲{i:02d}", age=70 + i) for i in range(35)]
    made.append(make_person(name="乙某", age=85, phone="13912345678"))
    made.append(make_person(name="西山人", region_code=COMMUNITY_B, age=90))
    return made


def test_people_list_counts_pages_and_sorts(users, client_for, people):
    c = client_for(users["district"])
    html = c.get("/people/").content.decode()
    assert "共 36 条" in html  # the other district's person is not counted
    assert "末页" in html and "page=2" in html and "首页" not in html
    body = html.split("<tbody>")[1]
    assert "文新街道 桂花社区" in body and COMMUNITY_A not in body  # names, never codes
    second = c.get("/people/?page=2").content.decode()
    assert "首页" in second and 'aria-current="page">2<' in second
    first = c.get("/people/?sort=name").content.decode().split("<tbody>")[1]
    assert first.index("甲00") < first.index("甲01")
    assert "乙某" in first.split("</tr>")[0]  # 乙 sorts before 甲
    desc = c.get("/people/?sort=-name").content.decode()
    assert "甲34" in desc.split("<tbody>")[1].split("</tr>")[0]
    assert 'aria-sort="descending"' in desc
    oldest = c.get("/people/?sort=-age").content.decode().split("<tbody>")[1]
    assert "甲34" in oldest.split("</tr>")[0]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("sort=id_hash", "sort"),
        ("sort=phone", "sort"),  # a column, but not sortable (personal data)
        ("status=rich", "status"),
        ("group=teen", "group"),
        ("region=12", "region"),
        ("region=" + COMMUNITY_B, "region"),  # outside the user's scope
        ("page=abc", "page"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(users, client_for, people, query, param):
    response = client_for(users["district"]).get(f"/people/?{query}")
    assert response.status_code == 422
    assert f"参数 {param}" in response.content.decode()


def test_filters_narrow_the_list(users, client_for, people):
    c = client_for(users["district"])
    assert "共 26 条" in c.get("/people/?group=senior80").content.decode()  # 80..104 and 乙某
    assert "共 1 条" in c.get("/people/?q=乙").content.decode()
    assert "共 36 条" in c.get(f"/people/?region={COMMUNITY_A}").content.decode()
    assert "共 0 条" in c.get("/people/?status=dibao").content.decode()


def test_export_has_exactly_the_filtered_sorted_rows_with_names_and_is_audited(users, client_for, people):
    c = client_for(users["district"])
    response = c.post("/people/?group=senior80&sort=name", {"purpose": "高龄补贴核对"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet(response.content)
    assert rows[0] == ["姓名", "性别", "年龄", "出生年月", "身份证号", "联系电话", "居住地址", "所属社区"]
    names = [r[0] for r in rows[1:]]
    assert len(names) == 26 and names[0] == "乙某" and "甲09" not in names and "甲10" in names
    assert {r[7] for r in rows[1:]} == {"文新街道 桂花社区"}
    assert all(r[4].endswith("*" * 12) for r in rows[1:])  # masked as on the page
    assert "****" in {r[6] for r in rows[1:]} and "139****5678" in {r[5] for r in rows[1:]}
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.user == users["district"] and event.purpose == "高龄补贴核对"
    assert event.detail["rows"] == 26 and event.detail["list"] == "registry.people"
    assert event.detail["filter"] == {"年龄段": "高龄(80+)", "排序": "姓名 升序"}
    assert event.detail["unmasked"] is False


def test_export_needs_a_purpose_and_the_export_permission(users, client_for, people):
    c = client_for(users["district"])
    missing = c.post("/people/", {"purpose": ""})
    assert missing.status_code == 422 and "导出须填写事由" in missing.content.decode()
    community = client_for(users["community"])  # sees the list, holds no registry.export
    assert "导出Excel" not in community.get("/people/").content.decode()
    assert community.post("/people/", {"purpose": "核对"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).exists()


def test_clear_personal_data_only_with_unmask_and_a_purpose(users, client_for, people):
    c = client_for(users["district"])  # holds pii.unmask
    page = c.get("/people/").content.decode()
    assert "导出个人信息明文" in page and "13912345678" not in page  # pages stay masked
    rows = sheet(c.post("/people/?q=乙某", {"purpose": "入户核实", "unmask": "1"}).content)
    assert rows[1][0] == "乙某" and rows[1][5] == "13912345678" and "*" not in rows[1][4]
    assert AuditEvent.objects.get(action=AuditAction.LIST_EXPORT).detail["unmasked"] is True


def test_an_outsider_sees_none_of_the_region_and_an_insider_theirs(users, client_for, people):
    outsider = client_for(users["district_b"])
    html = outsider.get("/people/").content.decode()
    assert "共 1 条" in html and "西山人" in html and "甲00" not in html
    assert outsider.get(f"/people/?region={COMMUNITY_A}").status_code == 422
    rows = sheet(outsider.post("/people/", {"purpose": "核对"}).content)
    assert [r[0] for r in rows[1:]] == ["西山人"]
    street = client_for(users["street"])
    assert "共 36 条" in street.get("/people/").content.decode()
    assert client_for(users["provider"]).get("/people/").status_code == 403


@override_settings(CARECIRCLE_EXPORT_SYNC_ROWS=10)
def test_a_large_export_runs_in_the_background_for_the_requester_only(
    users, client_for, people, django_capture_on_commit_callbacks
):
    c = client_for(users["district"])
    assert "将在后台生成" in c.get("/people/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/people/?group=senior80", {"purpose": "年度核对"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.state == ExportJob.State.DONE and job.processed_rows == 26
    progress = c.get(f"/exports/{job.pk}/").content.decode()
    assert "已导出 26 / 26 条" in progress and f"/exports/{job.pk}/download/" in progress
    rows = sheet(c.get(f"/exports/{job.pk}/download/").content)
    assert len(rows) == 27 and rows[1][7] == "文新街道 桂花社区"
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 26 and event.detail["background"] is True
    other = client_for(users["street"])
    assert other.get(f"/exports/{job.pk}/").status_code == 404
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404


def test_the_region_filter_offers_the_regions_in_scope_by_name(users, client_for, people):
    html = client_for(users["district"]).get(f"/people/?region={COMMUNITY_A}").content.decode()
    assert f'<option value="{COMMUNITY_A}" selected>' in html and "桂花社区</option>" in html
    assert f'<option value="{COMMUNITY_B}"' not in html  # the other district is not offered
