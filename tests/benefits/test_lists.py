"""The benefits module's staff lists on the list component (benefits/list_specs.py): payroll
batches, a batch's payment lines, the funds ledger and the appeals — each counted, filtered, a bad
parameter refused with 422 naming it, exported to Excel with exactly the filtered rows (names, not
codes; ID numbers and bank accounts masked unless pii.unmask and a purpose), every export audited;
an official of another district sees none of it."""

import io
from decimal import Decimal

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from carecircle.benefits import services
from carecircle.benefits.models import Batch, Fund, LedgerLine
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, ExportJob
from tests.benefits.conftest import born, today
from tests.conftest import COMMUNITY_A, COMMUNITY_A2, COMMUNITY_B

pytestmark = pytest.mark.django_db

STREET_A, STREET_B = "339901001000", "339902001000"


def rows_of(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def last_export() -> AuditEvent:
    return AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")


@pytest.fixture
def batches(funded, make_person, users):
    """A batch of 高龄津贴 in 文新街道 (three people over two communities, one with a bank account)
    and one in 西山区's street (one person)."""
    people = {
        "wang": make_person(birth=born(85, today(), 40), name="王秀英"),
        "li": make_person(birth=born(86, today(), 40), name="李桂香"),
        "zhao": make_person(birth=born(87, today(), 40), name="赵春花", region_code=COMMUNITY_A2),
        "far": make_person(birth=born(88, today(), 40), name="西山人", region_code=COMMUNITY_B),
    }
    services.payee_account_set(
        actor=users["admin"], person=people["wang"], bank="农商银行", account_number="6228480012345678"
    )
    [a] = services.payroll_run(
        actor=users["street"], month="2026-11", region_code=STREET_A, programme_code="GAOLING"
    )
    [b] = services.payroll_run(
        actor=users["street_b"], month="2026-11", region_code=STREET_B, programme_code="GAOLING"
    )
    return {"a": a, "b": b, **people}


def test_batches_are_counted_filtered_and_scoped(batches, users, client_for):
    c = client_for(users["district"])
    html = c.get("/benefits/").content.decode()
    assert "共 1 条" in html and f"/benefits/payrolls/{batches['a'].pk}/" in html
    assert f"/benefits/payrolls/{batches['b'].pk}/" not in html
    assert "共 1 条" in c.get("/benefits/?state=prepared").content.decode()
    assert "共 0 条" in c.get("/benefits/?state=paid").content.decode()
    bad = c.get("/benefits/?state=lost")
    assert bad.status_code == 422 and "参数 state" in bad.content.decode()
    assert c.get("/benefits/?sort=amount").status_code == 422
    assert c.get(f"/benefits/?region={COMMUNITY_B}").status_code == 422  # outside the district
    other = client_for(users["district_b"]).get("/benefits/").content.decode()
    assert "共 1 条" in other and f"/benefits/payrolls/{batches['b'].pk}/" in other


def test_batch_export_is_the_filtered_set(batches, users, client_for):
    r = client_for(users["admin"]).post("/benefits/?region=339902000000", {"purpose": "月度核对"})
    rows = rows_of(r.content)
    assert r.status_code == 200 and len(rows) == 2 and rows[0][0] == "批次号"
    assert rows[1][0] == batches["b"].pk and rows[1][2] == "2026年11月" and rows[1][3] == "蒋村街道"
    assert rows[1][5] == 50  # 应发: a number in the workbook, not text
    assert last_export().detail["rows"] == 1


def test_batch_lines_are_paged_filtered_and_only_this_batch(batches, users, client_for):
    c = client_for(users["street"])
    url = f"/benefits/payrolls/{batches['a'].pk}/"
    html = c.get(url).content.decode()
    assert "共 3 条" in html and "王秀英" in html and "¥50.00" in html and "西山人" not in html
    assert "共 2 条" in c.get(f"{url}?region={COMMUNITY_A}").content.decode()
    one = c.get(url + "?q=赵春花").content.decode()
    assert "共 1 条" in one and "丹枫社区" in one
    assert "共 1 条" in c.get(url + "?q=" + batches["li"].id_number).content.decode()
    # another batch's number in the query changes nothing: the page lists its own batch's lines
    assert "共 3 条" in c.get(f"{url}?batch={batches['b'].pk}").content.decode()
    for bad, name in (
        ("kind=gift", "kind"),
        ("state=lost", "state"),
        ("page=x", "page"),
        ("sort=id_number", "sort"),
    ):
        r = c.get(f"{url}?{bad}")
        assert r.status_code == 422 and f"参数 {name}" in r.content.decode()
    assert c.post(url, {"action": "approve"}).status_code == 405  # actions have their own URLs


def test_batch_lines_export_masked_then_clear_with_purpose(batches, users, client_for):
    c = client_for(users["street"])
    url = f"/benefits/payrolls/{batches['a'].pk}/?region={COMMUNITY_A}"
    r = c.post(url, {"purpose": "核对发放名单"})
    header, *rows = rows_of(r.content)
    assert r.status_code == 200 and header[:3] == ["姓名", "身份证号", "社区"]
    assert sorted(row[0] for row in rows) == ["李桂香", "王秀英"]  # exactly the filtered lines
    wang = next(row for row in rows if row[0] == "王秀英")
    assert wang[1] == batches["wang"].id_masked and batches["wang"].id_number not in str(wang)
    assert wang[2] == "文新街道 桂花社区" and wang[6] == 50 and "6228480012345678" not in str(wang)
    event = last_export()
    assert event.detail["rows"] == 2 and event.detail["list"] == "benefits.payment_lines"
    assert event.detail["filter"]["批次号"] == str(batches["a"].pk) and event.purpose == "核对发放名单"
    assert event.detail["unmasked"] is False
    clear = c.post(url, {"purpose": "银行退票核对", "unmask": "1"})
    wang = next(row for row in rows_of(clear.content)[1:] if row[0] == "王秀英")
    assert wang[1] == batches["wang"].id_number and wang[7] == "农商银行 6228480012345678"
    assert last_export().detail["unmasked"] is True
    assert c.post(url, {"purpose": ""}).status_code == 422  # every export says why


def test_batch_lines_outsider_sees_nothing(batches, users, client_for):
    other = client_for(users["district_b"])
    url = f"/benefits/payrolls/{batches['a'].pk}/"
    assert other.get(url).status_code == 404
    assert other.post(url, {"purpose": "看看"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).exists()
    # an inspector of the district (no registry.export) sees the lines but may not export them
    inspector = client_for(users["inspector"])
    assert inspector.get(url).status_code == 200
    assert inspector.post(url, {"purpose": "核对"}).status_code == 403


@pytest.fixture
def district_fund(funded, users):
    """A fund of 东湖区 with one appropriation, beside the city's funds."""
    fund = Fund.objects.create(code="EAST", name="东湖区养老服务资金", region_code="339901000000")
    services.fund_appropriate(actor=users["admin"], fund=fund, amount=Decimal("1234567.5"), memo="区级预算")
    return fund


def test_ledger_lists_postings_with_money_and_filters(batches, district_fund, users, client_for):
    services.payroll_approve(actor=users["district"], batch_id=batches["a"].pk, note="核对无误")
    admin = client_for(users["admin"])
    html = admin.get("/benefits/funds/").content.decode()
    assert f"共 {LedgerLine.objects.count()} 条" in html
    assert "¥1,234,567.50" in html and "−" not in html.split('data-list="benefits.ledger"')[1]
    appropriations = LedgerLine.objects.filter(entry__kind="appropriation").count()
    assert f"共 {appropriations} 条" in admin.get("/benefits/funds/?kind=appropriation").content.decode()
    assert "共 2 条" in admin.get(f"/benefits/funds/?fund={district_fund.pk}").content.decode()
    for bad, name in (("kind=gift", "kind"), ("at_from=2026-13-01", "at_from"), ("fund=x", "fund")):
        r = admin.get(f"/benefits/funds/?{bad}")
        assert r.status_code == 422 and f"参数 {name}" in r.content.decode()
    r = admin.post("/benefits/funds/?kind=commitment", {"purpose": "年度审计"})
    header, *rows = rows_of(r.content)
    assert len(rows) == LedgerLine.objects.filter(entry__kind="commitment").count() > 0
    assert "借方" in header and "贷方" in header
    debit, credit = header.index("借方"), header.index("贷方")
    assert all(isinstance(row[debit] or row[credit], (int, float)) for row in rows)  # numbers
    assert {row[header.index("区划")] for row in rows} == {"东湖区"}
    assert last_export().detail["rows"] == len(rows)


def test_ledger_insider_sees_their_fund_outsider_none(district_fund, users, client_for):
    mine = client_for(users["district"]).get("/benefits/funds/").content.decode()
    assert "共 2 条" in mine and "区级预算" in mine  # the district's fund only (the city's are not theirs)
    other = client_for(users["district_b"]).get("/benefits/funds/").content.decode()
    assert "共 0 条" in other and "区级预算" not in other


@pytest.fixture
def appeals(funded, make_person, users):
    near = make_person(birth=born(85, today(), 40), name="钱奶奶")
    far = make_person(birth=born(85, today(), 40), name="孙爷爷", region_code=COMMUNITY_B)
    g = funded["GAOLING"]
    return {
        "near": services.appeal_file(
            actor=users["street"], person=near, programme=g, month="2026-11", reason="本月津贴未收到"
        ),
        "far": services.appeal_file(
            actor=users["street_b"], person=far, programme=g, month="2026-10", reason="金额不对请核实"
        ),
    }


def test_appeals_list_filters_exports_and_scope(appeals, users, client_for):
    c = client_for(users["district"])
    html = c.get("/benefits/appeals/").content.decode()
    assert "共 1 条" in html and "钱奶奶" in html and "孙爷爷" not in html
    assert f"/benefits/appeals/{appeals['near'].pk}/decide/" in html  # the district decides it
    assert "共 0 条" in c.get("/benefits/appeals/?state=granted").content.decode()
    assert "共 1 条" in c.get("/benefits/appeals/?state=&q=未收到").content.decode()
    for bad, name in (
        ("state=lost", "state"),
        ("filed_from=2026-02-30", "filed_from"),
        ("programme=x", "programme"),
    ):
        r = c.get(f"/benefits/appeals/?{bad}")
        assert r.status_code == 422 and f"参数 {name}" in r.content.decode()
    r = c.post("/benefits/appeals/?state=", {"purpose": "申诉复核"})
    header, *rows = rows_of(r.content)
    assert [row[header.index("姓名")] for row in rows] == ["钱奶奶"]
    assert rows[0][header.index("承办")] == "东湖区" and rows[0][header.index("所涉月份")] == "2026年11月"
    assert last_export().detail["rows"] == 1
    other = client_for(users["district_b"]).get("/benefits/appeals/").content.decode()
    assert "孙爷爷" in other and "钱奶奶" not in other


def test_batch_state_in_lines_after_approval(batches, users, client_for):
    services.payroll_approve(actor=users["district"], batch_id=batches["a"].pk, note="核对无误")
    assert Batch.objects.get(pk=batches["a"].pk).state == "approved"
    url = f"/benefits/payrolls/{batches['a'].pk}/"
    c = client_for(users["street"])
    assert "共 3 条" in c.get(url + "?state=approved").content.decode()
    assert "共 0 条" in c.get(url + "?state=prepared").content.decode()


@override_settings(CARECIRCLE_EXPORT_SYNC_ROWS=2)
def test_a_large_lines_export_runs_in_the_background_on_this_batch_only(
    batches, users, client_for, django_capture_on_commit_callbacks
):
    c = client_for(users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/benefits/payrolls/{batches['a'].pk}/", {"purpose": "年度核对"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/exports/{job.pk}/"
    assert job.state == ExportJob.State.DONE and job.params["batch"] == str(batches["a"].pk)
    rows = rows_of(c.get(f"/exports/{job.pk}/download/").content)
    assert sorted(row[0] for row in rows[1:]) == ["李桂香", "王秀英", "赵春花"]  # not 西山人 of batch b
