"""As the people who do it would (issue 22, Done when): a community worker applies for an LTC
assessment for a person; the district accepts; two assessors record it on a phone (390×844); the
notice period passes; the level is delivered; the care plan creates home-care orders; the visits
settle at month end and the funds ledger balances."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from carecircle.benefits.models import Fund, LedgerEntry, Programme
from carecircle.benefits.selectors import ledger_check
from carecircle.benefits.services import fund_appropriate
from carecircle.careathome import services
from carecircle.careathome.models.ltc import LtcAssessment, LtcPlanOrder, LtcStatus
from carecircle.homecare.models import Order
from tests.careathome.ltc_table import TABLE, answers
from tests.careathome.test_ltc_care import _serve
from tests.careathome.test_ltc_process import RULES
from tests.conftest import browser_login
from tests.homecare.conftest import world  # noqa: F401 — fixture

CITY = "339900000000"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _as(browser, live_server, username, **context):
    page = browser.new_context(**context).new_page()
    browser_login(page, live_server.url, username)
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_apply_assess_on_phones_deliver_plan_and_settle(page, browser, live_server, users, world):  # noqa: F811
    services.ltc_scale_load(actor=users["admin"], region_code=CITY, **copy.deepcopy(TABLE))
    services.ltc_rules_load(actor=users["admin"], region_code=CITY, **RULES)
    fund = Fund.objects.create(code="F_LTC", name="长期护理保险基金", region_code="339901000000")
    Programme.objects.create(
        code="LTC_CARE",
        name="长期护理保险待遇",
        fund=fund,
        region_code="339901000000",
        target_rule="true",
        payment_method="voucher",
        valid_from=datetime.date(2020, 1, 1),
    )
    fund_appropriate(actor=users["admin"], fund=fund, amount=Decimal("10000"), memo="测试拨款")
    services.ltc_entitlement_load(
        actor=users["admin"],
        region_code=CITY,
        source="测试用待遇标准（由测试填写）",
        ledger_programme="LTC_CARE",
        rows=[{"level": lv, "hours_per_month": 10 + 5 * lv, "fund_percent": 70} for lv in range(1, 6)],
    )
    mother = world["mother"]

    # the community worker applies from the person's application page
    browser_login(page, live_server.url, "community")
    page.goto(f"{live_server.url}/careathome/ltc/apply/{mother.pk}/")
    page.select_option("select[name=applicant_kind]", "worker")
    page.fill("input[name=applicant_name]", "王社工")
    page.click("button:has-text('提交申请')")
    assert "已申请待受理" in page.locator("h1").inner_text()
    a = LtcAssessment.objects.get(person=mother)

    # the district official accepts from the list
    district = _as(browser, live_server, "district")
    district.goto(f"{live_server.url}/careathome/ltc/")
    assert "共 1 条" in district.content()
    district.click("button:has-text('受理')")
    assert "已受理待评估" in district.locator("h1").inner_text()

    # two assessors, each on a phone
    for username in ("community", "street"):
        phone = _as(browser, live_server, username, **PHONE)
        phone.goto(f"{live_server.url}/careathome/ltc/{a.pk}/")
        phone.click("a:has-text('录入现场评估')")
        for code, score in answers(40, 8, 6).items():
            phone.check(f"input[name='answers.{code}'][value='{score}']")
        phone.click("button:has-text('提交评估')")
        phone.wait_for_load_state()
    a.refresh_from_db()
    assert (a.status, a.level) == (LtcStatus.NOTICE, 3)
    assert "重度失能Ⅰ级" in phone.locator("dl").inner_text()

    # the notice period passes (the live server runs on the real clock: its dates are moved back)
    LtcAssessment.objects.filter(pk=a.pk).update(
        concluded_on=F("concluded_on") - datetime.timedelta(days=8),
        notice_until=F("notice_until") - datetime.timedelta(days=8),
    )
    district.goto(f"{live_server.url}/careathome/ltc/{a.pk}/")
    district.click("button:has-text('送达结果')")
    assert "结果已送达" in district.locator("h1").inner_text()
    assert "有效期至" in district.locator("dl").inner_text()
    a.refresh_from_db()

    # the care plan creates orders through home care; two are served, moved into a closed month
    today = timezone.localdate()
    plan = services.ltc_plan_create(
        actor=users["community"],
        assessment=a,
        provider=world["provider"],
        item=world["bath"],
        weekdays="135",
        start_time=datetime.time(9, 0),
        valid_from=today,
        valid_to=today + datetime.timedelta(days=60),
    )
    assert (
        services.ltc_plan_generate(
            actor=users["community"], plan=plan, until=today + datetime.timedelta(days=7)
        )
        >= 3
    )
    link = LtcPlanOrder.objects.filter(plan=plan).select_related("order").order_by("day").first()
    order = link.order
    import time_machine

    with time_machine.travel(order.window_start - datetime.timedelta(minutes=5), tick=True):
        _serve(world, order)
    back = datetime.timedelta(days=45)
    Order.objects.filter(pk=order.pk).update(
        window_start=F("window_start") - back, window_end=F("window_end") - back
    )
    order.refresh_from_db()
    month = timezone.localtime(order.window_start).date().replace(day=1)
    s = services.ltc_settle(actor=users["district"], provider=world["provider"], month=month)
    assert s.visits == 1 and s.fund_amount == (order.price * Decimal("0.7")).quantize(Decimal("0.01"))
    assert LedgerEntry.objects.filter(key__startswith="spend:careathome:ltc:").count() == 1
    assert ledger_check().ok

    # the staff pages show it: the plan with its orders, the month's settlement with its line posted
    district.goto(f"{live_server.url}/careathome/ltc/plans/{plan.pk}/")
    text = district.locator("main").inner_text()
    assert "计划生成的服务单" in text and "每月服务时长" in text
    district.goto(f"{live_server.url}/careathome/ltc/settlements/")
    district.click(f"a:has-text('{month:%Y-%m}')")
    text = district.locator("main").inner_text()
    assert "已入账" in text and "核验通过" in text and mother.name in text
