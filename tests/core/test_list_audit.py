"""The audit log as a staff list (core/list_specs.py): names instead of codes, filters by actor,
action, date and region, sort, bad parameters (422), export of exactly the filtered rows, scope."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from carecircle.registry.services import person_unmask
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(users, make_person):
    users["street"].display_name = "王小明"
    users["street"].save()
    person = make_person(name="张桂英")
    other = make_person(name="李西山", region_code=COMMUNITY_B)
    person_unmask(actor=users["street"], person=person, purpose="上门核实")
    person_unmask(actor=users["street_b"], person=other, purpose="西山核实")
    return person


def test_rows_read_as_words(users, client_for, trail):
    html = client_for(users["district"]).get("/audit/?action=pii.unmask").content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "共 1 条" in html
    assert "查看个人信息明文" in body and "王小明" in body and "人员 张桂英" in body
    assert "文新街道 桂花社区" in body and "pii.unmask" not in body and "registry.person" not in body
    assert "#" not in body


def test_filters_sort_and_count(users, client_for, trail):
    c = client_for(users["district"])
    everything = c.get("/audit/").content.decode()
    inside = AuditEvent.objects.filter(region_code__startswith="339901").count()
    assert f"共 {inside} 条" in everything and "李西山" not in everything  # 西山区's rows are not shown
    assert "共 1 条" in c.get("/audit/?actor=王小").content.decode()
    assert "共 1 条" in c.get("/audit/?action=person.create").content.decode()
    today = timezone.localdate().isoformat()
    assert f"共 {inside} 条" in c.get(f"/audit/?at_from={today}&at_to={today}").content.decode()
    assert "共 0 条" in c.get("/audit/?at_to=2020-01-01").content.decode()
    in_community = AuditEvent.objects.filter(region_code=COMMUNITY_A).count()
    assert in_community < inside
    assert f"共 {in_community} 条" in c.get(f"/audit/?region={COMMUNITY_A}").content.decode()
    asc = c.get("/audit/?sort=action").content.decode().split("<tbody>")[1]
    # by the stored action: person.create before pii.unmask
    assert asc.index("新增人员") < asc.index("查看个人信息明文")
    desc = c.get("/audit/?sort=-action").content.decode().split("<tbody>")[1]
    assert desc.index("查看个人信息明文") < desc.index("新增人员")
    assert '<option value="pii.unmask"' in everything and ">查看个人信息明文</option>" in everything


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("action=no.such", "action"),
        ("at_from=2026-02-30", "at_from"),
        ("at_from=2026-03-01&at_to=2026-02-01", "at_from"),
        ("sort=ip", "sort"),
        ("region=" + COMMUNITY_B, "region"),
        ("page=0", "page"),
    ],
)
def test_bad_parameters_are_422_naming_them(users, client_for, trail, query, param):
    response = client_for(users["district"]).get(f"/audit/?{query}")
    assert response.status_code == 422 and f"参数 {param}" in response.content.decode()


def test_export_is_the_filtered_rows_and_itself_audited(users, client_for, trail):
    c = client_for(users["district"])
    response = c.post("/audit/?action=pii.unmask", {"purpose": "季度审计"})
    ws = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][:4] == ["时间", "操作人", "操作", "对象"]
    assert [r[1:4] for r in rows[1:]] == [["王小明", "查看个人信息明文", "人员 张桂英"]]
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.detail["rows"] == 1 and event.detail["list"] == "core.audit"
    assert event.detail["filter"] == {"操作": "查看个人信息明文"} and event.purpose == "季度审计"
    assert event.region_code == "339901000000"  # the district's auditors see it
    listed = c.get("/audit/?action=list.export").content.decode().split("<tbody>")[1]
    assert "导出名单：审计日志（1 条），条件：操作 查看个人信息明文" in listed


def test_scope_and_permissions(users, client_for, trail):
    outsider = client_for(users["district_b"]).get("/audit/").content.decode()
    assert "李西山" in outsider and "张桂英" not in outsider
    assert client_for(users["street"]).get("/audit/").status_code == 403
    inspector = client_for(users["inspector"])  # audit.view, no pii.unmask
    assert "导出个人信息明文" not in inspector.get("/audit/").content.decode()
    assert inspector.post("/audit/", {"purpose": "检查", "unmask": "1"}).status_code == 403
