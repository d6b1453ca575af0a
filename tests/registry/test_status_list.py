"""The statuses register and the import jobs on the list component (core/lists.py): count, filters
(kind, a date the status held on, source, name or whole ID number), a bad parameter refused with
422 naming it, an export of exactly the filtered set with names and its audit row, scope from both
sides."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from carecircle.registry.models import ImportJob
from carecircle.registry.services import status_add
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = pytest.mark.django_db


def sheet(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def held(users, make_person):
    """In district A: 张特困 (特困 since 2024, open), 李低保 (低保 2024-01 to 2024-06, then 独居 from
    2025); in district B: 西山特困."""

    def add(person, kind, start, end=None, source="民政核对"):
        status_add(
            actor=users["admin"], person=person, kind=kind, valid_from=start, valid_to=end, source=source
        )

    zhang = make_person(name="张特困")
    li = make_person(name="李低保")
    far = make_person(name="西山特困", region_code=COMMUNITY_B)
    add(zhang, "tekun", datetime.date(2024, 1, 1))
    add(li, "dibao", datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), source="低保系统")
    add(li, "living_alone", datetime.date(2025, 1, 1), source="社区走访")
    add(far, "tekun", datetime.date(2024, 1, 1))
    return {"zhang": zhang, "li": li, "far": far}


def test_the_register_counts_names_and_filters(users, client_for, held):
    c = client_for(users["district"])
    html = c.get("/people/statuses/").content.decode()
    assert "共 3 条" in html and "张特困" in html and "西山特困" not in html
    body = html.split("<tbody>")[1]
    assert "特困" in body and "低保" in body and "文新街道 桂花社区" in body and COMMUNITY_A not in body
    assert f'href="/people/{held["zhang"].pk}/"' in body
    assert "共 1 条" in c.get("/people/statuses/?kind=dibao").content.decode()
    on_march = c.get("/people/statuses/?valid_from=2024-03-01&valid_to=2024-03-01").content.decode()
    assert "共 2 条" in on_march and "社区走访" not in on_march  # 独居 began in 2025
    assert "共 1 条" in c.get("/people/statuses/?source=低保系统").content.decode()
    by_id = c.get(f"/people/statuses/?q={held['li'].id_number}").content.decode()
    assert "共 2 条" in by_id and "张特困" not in by_id.split("<tbody>")[1]
    assert "共 0 条" in c.get(f"/people/statuses/?q={held['li'].id_number[:10]}").content.decode()
    newest = c.get("/people/statuses/?sort=-valid_from").content.decode().split("<tbody>")[1]
    assert "社区走访" in newest.split("</tr>")[0]
    oldest = c.get("/people/statuses/?sort=valid_from").content.decode()
    assert 'aria-sort="ascending"' in oldest
    assert "社区走访" not in oldest.split("<tbody>")[1].split("</tr>")[0]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("kind=rich", "kind"),
        ("valid_from=2024-02-30", "valid_from"),
        ("valid_from=2024-05-01&valid_to=2024-01-01", "valid_from"),
        ("region=" + COMMUNITY_B, "region"),
        ("sort=note", "sort"),
        ("page=x", "page"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(users, client_for, held, query, param):
    r = client_for(users["district"]).get(f"/people/statuses/?{query}")
    assert r.status_code == 422 and f"参数 {param}" in r.content.decode()


def test_the_export_is_the_filtered_set_with_names_and_audited(users, client_for, held):
    c = client_for(users["district"])
    r = c.post("/people/statuses/?kind=tekun", {"purpose": "特困供养核对"})
    assert r.status_code == 200
    rows = sheet(r.content)
    assert rows[0][:2] == ["姓名", "状况"]
    assert rows[1:] == [
        ["张特困", "特困", datetime.datetime(2024, 1, 1), "至今", "民政核对", "文新街道 桂花社区"]
    ]
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 1 and event.purpose == "特困供养核对"
    assert c.post("/people/statuses/", {"purpose": ""}).status_code == 422  # no purpose, no file


def test_scope_from_both_sides(users, client_for, held):
    other = client_for(users["district_b"]).get("/people/statuses/").content.decode()
    assert "共 1 条" in other and "西山特困" in other and "张特困" not in other
    rows = sheet(client_for(users["district_b"]).post("/people/statuses/", {"purpose": "核对"}).content)
    assert [row[0] for row in rows[1:]] == ["西山特困"]
    assert client_for(users["resident"]).get("/people/statuses/").status_code == 403


def test_the_menu_leads_to_the_register(users, client_for):
    html = client_for(users["street"]).get("/").content.decode()
    assert 'href="/people/statuses/"' in html
    assert 'href="/people/statuses/"' not in client_for(users["resident"]).get("/").content.decode()


@pytest.fixture
def jobs(users):
    def job(user, name, state, rejected=0, region="339901000000"):
        return ImportJob.objects.create(
            file_name=name,
            stored_path="x",
            region_code=region,
            created_by=user,
            state=state,
            created_count=5,
            updated_count=1,
            rejected_count=rejected,
        )

    return [
        job(users["street"], "一月.xlsx", "done", rejected=2, region="339901001000"),
        job(users["street"], "二月.xlsx", "failed"),
        job(users["district_b"], "西山.xlsx", "done", region="339902000000"),
    ]


def test_import_jobs_on_the_component(users, client_for, jobs):
    c = client_for(users["street"])
    html = c.get("/people/imports/").content.decode()
    assert "共 2 条" in html and "一月.xlsx" in html and "西山.xlsx" not in html
    assert "已完成" in html and "失败" in html and "上传并导入" in html
    done = c.get("/people/imports/?state=done").content.decode()
    assert "共 1 条" in done and "二月.xlsx" not in done
    assert c.get("/people/imports/?state=lost").status_code == 422
    assert c.get("/people/imports/?created_from=yesterday").status_code == 422
    rows = sheet(c.post("/people/imports/?state=done", {"purpose": "导入核对"}).content)
    assert rows[0] == ["文件", "导入人", "导入时间", "成功行数", "拒绝行数", "状态"]
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows[1:]] == [("一月.xlsx", "street", 6, 2, "已完成")]
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 1
    other = client_for(users["district_b"]).get("/people/imports/").content.decode()
    assert "西山.xlsx" in other and "一月.xlsx" not in other
