"""Issue 22, done-when: an adaptation case goes from application to the subsidy paid in a browser, and
a second payment is refused (409) with the ledger holding one posting."""

import pytest
from django.urls import reverse
from PIL import Image

from carecircle.benefits.models import LedgerEntry
from carecircle.careathome import adaptation_services
from carecircle.careathome.models.homes import AdaptationCase, CaseStatus
from tests.careathome.homes_helpers import eligible_person, setup_programme
from tests.conftest import COMMUNITY_A, browser_login


def _photo(path, colour):
    Image.new("RGB", (64, 48), colour).save(path, "PNG")
    return str(path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.page_errors_allowed  # the plan above the cap and the acceptance without photos answer 422 on purpose
def test_an_adaptation_case_from_application_to_paid_subsidy(page, live_server, users, make_person, tmp_path):
    setup_programme()
    adaptation_services.contractor_register(
        actor=users["district"],
        name="安居适老工程有限公司",
        credit_code="91330100MA2AAAAA1X",
        region_code="339901000000",
    )
    person = eligible_person(make_person, COMMUNITY_A, "dibao", age=84)
    type(person).objects.filter(pk=person.pk).update(name="李秀兰")
    url = live_server.url
    browser_login(page, url, "district")
    page.goto(f"{url}{reverse('careathome:adaptation_apply')}?q=李秀兰")
    page.click("main form.card button.primary")
    page.wait_for_load_state()
    assert "/adaptation/cases/" in page.url
    assert page.locator("#case-status").inner_text() == "已申请"

    page.fill("#assess textarea[name=note]", "卫生间无扶手，地面湿滑")
    page.locator("#assess input[name=photos]").set_input_files(
        [_photo(tmp_path / "a1.png", (200, 200, 200)), _photo(tmp_path / "a2.png", (100, 100, 100))]
    )
    page.click("#assess button.primary")
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "已入户评估"

    page.fill("#plan input[name=qty_floor_antislip]", "50")  # 6,000 yuan of basic items: above the 5,000 cap
    page.click("#plan button.primary")
    page.wait_for_load_state()
    assert "超过本户补贴上限" in page.locator("#plan").inner_text()
    page.fill("#plan input[name=qty_floor_antislip]", "6")
    page.fill("#plan input[name=qty_bath_handrail]", "2")
    page.fill("#plan input[name=qty_door_sill]", "1")
    page.click("#plan button.primary")
    page.wait_for_load_state()
    assert page.locator("#case-subsidy").inner_text() == "¥1,280.00"
    assert page.locator("#case-own").inner_text() == "¥300.00"

    page.select_option("#approve select[name=contractor]", label="安居适老工程有限公司")
    page.click("#approve button.primary")
    page.wait_for_load_state()
    page.locator("#works input[name=photos]").set_input_files(_photo(tmp_path / "before.png", (150, 80, 40)))
    page.click("#works button.primary")
    page.wait_for_load_state()
    page.click("#accept button.primary")  # no photos: refused on the form
    page.wait_for_load_state()
    assert "改造后照片" in page.locator("#accept").inner_text()
    page.locator("#accept input[name=photos]").set_input_files(_photo(tmp_path / "after.png", (40, 160, 80)))
    page.locator("#accept input[name=signature]").set_input_files(
        _photo(tmp_path / "sign.png", (255, 255, 255))
    )
    page.fill("#accept input[name=signer]", "李秀兰")
    page.click("#accept button.primary")
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "已验收"
    page.click("#pay button.primary")
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "补贴已支付"
    assert page.locator("#pay").count() == 0

    case = AdaptationCase.objects.get()
    assert case.status == CaseStatus.PAID and case.photos.count() == 5
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    pay_url = f"{url}{reverse('careathome:adaptation_pay', args=[case.pk])}"
    again = page.request.post(pay_url, form={"csrfmiddlewaretoken": token}, headers={"Referer": page.url})
    assert again.status == 409 and "不能重复支付" in again.text()
    assert LedgerEntry.objects.filter(key__startswith="spend:adaptation:").count() == 1
