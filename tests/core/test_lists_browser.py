"""As a street worker would: filter the people list, sort it by a column header, export it to
Excel with a purpose, and open the file — exactly the filtered rows, with names; the export is in
the audit trail. A large export goes to the background with a progress page and a download."""

import io

import pytest
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from tests.conftest import COMMUNITY_B, browser_login


def _rows(path):
    ws = load_workbook(io.BytesIO(open(path, "rb").read()), read_only=True).worksheets[0]  # noqa: PTH123
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def city_people(make_person):
    for i, age in enumerate((62, 70, 81, 84, 93)):
        make_person(name=f"王{i}", age=age)
    make_person(name="外区老人", age=88, region_code=COMMUNITY_B)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_export_a_filtered_people_list_to_excel(page, live_server, users, city_people, tmp_path):
    browser_login(page, live_server.url, "street")
    page.goto(f"{live_server.url}/people/")
    assert page.locator("#list-count").inner_text() == "共 5 条"
    page.select_option("select[name=group]", "senior80")
    page.click("button:has-text('查询')")
    assert page.locator("#list-count").inner_text() == "共 3 条"
    page.click("th a.sort:has-text('年龄')")  # youngest first; a second click turns it round
    assert page.locator("tbody tr").first.inner_text().startswith("王2")
    page.click("th a.sort:has-text('年龄')")
    assert page.locator("tbody tr").first.inner_text().startswith("王4")
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("年龄")
    page.fill("input[name=purpose]", "高龄津贴核对")
    with page.expect_download() as download:
        page.click("#list-export")
    path = tmp_path / "people.xlsx"
    download.value.save_as(path)
    rows = _rows(path)
    assert rows[0][0] == "姓名" and rows[0][-1] == "所属社区"
    assert [r[0] for r in rows[1:]] == ["王4", "王3", "王2"]  # the filter and the order of the page
    assert {r[-1] for r in rows[1:]} == {"文新街道 桂花社区"}  # names, not codes
    event = AuditEvent.objects.get(action=AuditAction.LIST_EXPORT)
    assert event.username == "street" and event.purpose == "高龄津贴核对" and event.detail["rows"] == 3
    assert event.detail["filter"] == {"年龄段": "高龄(80+)", "排序": "年龄 降序"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_large_export_shows_progress_and_a_download(
    page, live_server, users, city_people, settings, tmp_path
):
    settings.CARECIRCLE_TASKS_INLINE = False  # the real background thread, as in the demo
    settings.CARECIRCLE_EXPORT_SYNC_ROWS = 2
    try:
        browser_login(page, live_server.url, "street")
        page.goto(f"{live_server.url}/people/")
        page.fill("input[name=purpose]", "年度统计")
        page.click("#list-export")
        page.wait_for_selector("#export-download", timeout=30000)  # htmx polls until done
        assert "已导出 5 / 5 条" in page.content()
        with page.expect_download() as download:
            page.click("#export-download")
        path = tmp_path / "big.xlsx"
        download.value.save_as(path)
        assert sorted(r[0] for r in _rows(path)[1:]) == [f"王{i}" for i in range(5)]
    finally:
        from carecircle.core.tasks import wait_for_pool

        wait_for_pool()
