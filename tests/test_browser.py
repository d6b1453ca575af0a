"""As a person would: a street worker signs in, searches a person, opens them, sees masked values,
and reveals the full ID number with a stated purpose (which lands in the audit trail)."""

import pytest

from carecircle.core.models import AuditEvent
from tests.conftest import browser_login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_street_worker_finds_a_person_and_sees_masked_values(page, live_server, users, make_person):
    person = make_person(name="周桂芳", phone="13912345678")
    browser_login(page, live_server.url, "street")
    assert page.locator("h1").first.inner_text() == "工作台"
    page.hover(".navlabel:has-text('人员信息库')")  # the module's menu opens on hover
    page.click(".navmenu a:has-text('人员信息')")
    page.fill("input[name=q]", "桂芳")
    page.click("button:has-text('查询')")
    page.click("a:has-text('周桂芳')")
    masked = page.locator("#id-number").inner_text()
    assert masked == person.id_masked and person.id_number not in page.content()
    assert "139****5678" in page.locator("#phone").inner_text()
    assert "13912345678" not in page.content()
    page.fill("input[name=purpose]", "上门走访核实身份")
    page.click("button:has-text('查看完整信息')")
    assert page.locator("#id-number-plain").inner_text() == person.id_number
    event = AuditEvent.objects.get(action="pii.unmask")
    assert event.username == "street" and event.purpose == "上门走访核实身份"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport={"width": 390, "height": 844})
def test_phone_width_menu(page, live_server, users):
    browser_login(page, live_server.url, "street")
    assert not page.locator(".mainnav").is_visible()
    page.click(".navbutton")
    assert page.locator(".mainnav a:has-text('人员信息')").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_import_shows_progress_and_the_rejected_rows(page, live_server, users, tmp_path, settings):
    import datetime

    from tests.conftest import COMMUNITY_A, id_number

    settings.CARECIRCLE_TASKS_INLINE = False  # the real background thread, as in the demo
    path = tmp_path / "人员.csv"
    lines = ["姓名,身份证号,社区代码,状况"]
    for i in range(1, 301):
        lines.append(
            f"老人{i},{id_number(datetime.date(1940, 1, 1) + datetime.timedelta(days=i), i)},{COMMUNITY_A},独居"
        )
    lines.append(f"坏行,123,{COMMUNITY_A},")
    path.write_text("\n".join(lines), encoding="gbk")
    try:
        browser_login(page, live_server.url, "street")
        page.goto(f"{live_server.url}/people/imports/")
        page.set_input_files("input[type=file]", str(path))
        page.click("button:has-text('上传并导入')")
        page.wait_for_selector(".state:has-text('已完成')", timeout=30000)  # htmx polls until done
        assert page.locator("#created").inner_text() == "300"
        assert page.locator("#rejected").inner_text() == "1"
        assert "身份证号应为18位" in page.content()
    finally:
        from carecircle.core.tasks import wait_for_pool

        wait_for_pool()
