"""Issue 20, done-when 1, on a 390 × 844 phone: an inspector opens the task drawn for them, checks in
with the phone's position, fails an item with a photo (passes the rest), submits; the second drawn
inspector confirms; the unit's admin finds the rectification notice on their home page and answers
it with a photo; the inspector accepts it and the notice closes."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from carecircle.core.models import RoleGrant
from carecircle.core.roles import Role
from carecircle.oversight import services
from carecircle.oversight.models import Finding, FindingState, Inspection, InspectionState, UnitKind
from carecircle.oversight.services_inspections import applicable_items
from tests.conftest import COMMUNITY_A, browser_login, make_user
from tests.oversight.factories import make_inspectors, make_unit, publish

PHONE = {"width": 390, "height": 844}
HERE = {"latitude": 30.2901, "longitude": 120.1202, "accuracy": 10}


def _photo(path, colour):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _as(page, live_server, username):
    page.context.clear_cookies()
    browser_login(page, live_server.url, username)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE, permissions=["geolocation"], geolocation=HERE)
def test_the_inspection_and_rectification_loop_on_a_phone(page, live_server, users, tmp_path):
    from playwright.sync_api import expect

    unit = make_unit(COMMUNITY_A, grade="D", kind=UnitKind.HOMECARE, name="安康居家服务社")
    a, b = make_inspectors(2, region_code=COMMUNITY_A)
    users["inspector"].grants.all().delete()  # only the two drawn serve here
    services.plan_draw(actor=users["district"], plan=publish(users["district"], region_code="339901001000"))
    inspection = Inspection.objects.get(unit=unit)
    admin = make_user("unit_admin", Role.PROVIDER_ADMIN, "339901000000")
    RoleGrant.objects.filter(user=admin).update(
        organisation_kind="homecare_provider", organisation_id=unit.source_id
    )
    failing, *rest = applicable_items(unit)

    # The first inspector opens the drawn task from their task list and checks in.
    _as(page, live_server, a.username)
    page.goto(f"{live_server.url}{reverse('oversight:tasks')}")
    page.get_by_role("link", name="安康居家服务社").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("oversight:inspection_detail", args=[inspection.pk]))
    _fits(page)
    page.get_by_role("button", name="到场签到").click()
    expect(page.locator("dl.facts")).to_contain_text("到场")
    inspection.refresh_from_db()
    assert inspection.checked_in_by == a and abs(inspection.latitude - HERE["latitude"]) < 1e-4

    # One item fails, with a note and a photo taken on the phone; the others pass.
    item = page.locator(f"#item-{failing.pk}")
    item.get_by_role("radio", name="不合格").check()
    item.get_by_role("textbox", name="问题说明（不合格时必填）").fill("消防通道堆放杂物")
    item.locator("input[name=photo]").set_input_files(_photo(tmp_path / "fail.png", (200, 30, 30)))
    item.get_by_role("button", name="保存本项").click()
    page.wait_for_load_state()
    expect(page.locator(f"#item-{failing.pk}")).to_contain_text("消防通道堆放杂物")
    expect(page.locator(f"#item-{failing.pk}").get_by_role("link", name="照片")).to_be_visible()
    for other in rest:
        row = page.locator(f"#item-{other.pk}")
        row.get_by_role("radio", name="合格", exact=True).check()
        row.get_by_role("button", name="保存本项").click()
        page.wait_for_load_state()
    _fits(page)
    page.get_by_role("button", name="提交检查记录").click()
    page.wait_for_load_state()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED and not Finding.objects.exists()

    # The second drawn inspector confirms: the failed item becomes a rectification notice.
    _as(page, live_server, b.username)
    page.goto(f"{live_server.url}{reverse('oversight:inspection_detail', args=[inspection.pk])}")
    page.get_by_role("button", name="确认检查记录").click()
    page.wait_for_load_state()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CONFIRMED
    finding = Finding.objects.get()
    assert finding.item == failing and finding.state == FindingState.OPEN

    # The unit's admin sees the notice on their home page and answers it with a photo.
    _as(page, live_server, admin.username)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=f"安康居家服务社 · {failing.title}", exact=False).click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("oversight:finding_detail", args=[finding.pk]))
    _fits(page)
    page.get_by_role("textbox", name="整改情况").fill("杂物已清理，通道畅通")
    page.locator("input[name=evidence_photo]").set_input_files(_photo(tmp_path / "fixed.png", (30, 160, 60)))
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.state == FindingState.ANSWERED

    # The inspector accepts it: the notice closes.
    _as(page, live_server, a.username)
    page.goto(f"{live_server.url}{reverse('oversight:finding_detail', args=[finding.pk])}")
    expect(page.locator("main")).to_contain_text("杂物已清理，通道畅通")
    page.get_by_role("button", name="提交验收结论").click()
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    expect(page.locator("dl.facts")).to_contain_text("整改完成")
