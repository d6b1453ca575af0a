"""Done when (issue 21, item 6): at phone size (390×844) a volunteer registers and takes an older
person's request, checks in and out with the phone's position, the older person confirms the hours,
the hours move; the volunteer gives them to his mother and, as her relative, spends them on help
for her; the ledger balances and the district's guarantee covers what is outstanding."""

from decimal import Decimal

import pytest
from django.urls import reverse

from carecircle.timebank import selectors, services
from carecircle.timebank.models import HelpRequest, RequestStatus, Volunteer
from tests.conftest import COMMUNITY_A, browser_login
from tests.timebank.helpers import account, elder_with_account, link, volunteer

PHONE = {"width": 390, "height": 844}
HERE = {"latitude": 30.2801, "longitude": 120.1302, "accuracy": 10}


def _as(page, live_server, username):
    page.context.clear_cookies()
    browser_login(page, live_server.url, username)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.page_context(viewport=PHONE, permissions=["geolocation"], geolocation=HERE)
def test_hours_earned_confirmed_given_and_spent_on_a_phone(page, live_server, users, make_person):
    from playwright.sync_api import expect

    elder = elder_with_account(make_person, "elder1", age=80)
    mother = make_person(age=84, name="陈母亲")
    son = account("son")
    link(son, mother)
    url = live_server.url

    # The son registers as a volunteer on his phone.
    _as(page, live_server, "son")
    page.goto(f"{url}{reverse('timebank:mine')}")
    page.get_by_role("link", name="登记为志愿者").click()
    page.wait_for_load_state()
    _fits(page)
    page.get_by_label("姓名").fill("陈志愿")
    page.get_by_label("出生日期").fill("1980-05-01")
    page.get_by_label("手机号码").fill("13900001111")
    page.get_by_label("所在社区").select_option(COMMUNITY_A)
    page.get_by_label("陪伴聊天").check()
    page.get_by_label("代购跑腿").check()
    page.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    vol = Volunteer.objects.get(user=son)

    # The older person posts a request on her own account.
    _as(page, live_server, "elder1")
    page.goto(f"{url}{reverse('timebank:request_new')}")
    _fits(page)
    page.get_by_label("服务内容").select_option("shopping")
    page.get_by_label("预计时长（小时）").fill("2")
    page.get_by_label("说明").fill("帮忙买菜")
    page.get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    req = HelpRequest.objects.get(person=elder)

    # The volunteer takes it, checks in and out: time and position recorded.
    _as(page, live_server, "son")
    page.goto(f"{url}{reverse('timebank:mine')}")
    page.get_by_role("link", name="代购跑腿", exact=False).first.click()
    page.wait_for_load_state()
    _fits(page)
    page.get_by_role("button", name="接单").click()
    expect(page.locator("#tb-status")).to_contain_text("已接单")
    page.get_by_role("button", name="到达签到").click()
    expect(page.locator("#tb-status")).to_contain_text("服务中")
    page.get_by_role("button", name="服务结束签退").click()
    expect(page.locator("#tb-status")).to_contain_text("待确认")
    assert page.get_by_role("button", name="确认时长").count() == 0  # never by the earner
    req.refresh_from_db()
    assert abs(req.check_in_lat - HERE["latitude"]) < 1e-4 and req.check_out_at is not None

    # The older person confirms the hours: they move to the volunteer.
    _as(page, live_server, "elder1")
    page.goto(f"{url}{reverse('timebank:request_detail', args=[req.pk])}")
    page.get_by_label("服务时长（小时）").fill("2")
    page.get_by_role("button", name="确认时长").click()
    expect(page.locator("#tb-status")).to_contain_text("已确认")
    assert selectors.volunteer_balance(vol) == Decimal("2")

    # The volunteer gives them to his mother, then spends them, as her relative, on help for her.
    _as(page, live_server, "son")
    page.goto(f"{url}{reverse('timebank:give')}")
    _fits(page)
    page.get_by_label("亲属").select_option(str(mother.pk))
    page.locator("form[action$='/give/'] input[name=hours]").fill("2")
    page.get_by_role("button", name="转赠", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#my-balance")).to_contain_text("0")
    page.goto(f"{url}{reverse('timebank:request_new')}")
    page.get_by_label("为谁发布").select_option(str(mother.pk))
    page.get_by_label("服务内容").select_option("escort")
    page.get_by_label("预计时长（小时）").fill("2")
    page.get_by_label("支付方式").select_option("own")
    page.get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    redemption = HelpRequest.objects.get(person=mother)
    assert redemption.paid_by is not None

    helper = volunteer("helper", name="王帮手")
    services.request_take(actor=helper.user, help_request=redemption)
    services.request_check_in(
        actor=helper.user, help_request=redemption, latitude="30.28", longitude="120.13"
    )
    services.request_check_out(
        actor=helper.user, help_request=redemption, latitude="30.28", longitude="120.13"
    )
    page.goto(f"{url}{reverse('timebank:request_detail', args=[redemption.pk])}")
    page.get_by_label("服务时长（小时）").fill("2")
    page.get_by_role("button", name="确认时长").click()
    expect(page.locator("#tb-status")).to_contain_text("已确认")
    redemption.refresh_from_db()
    assert redemption.status == RequestStatus.CONFIRMED
    assert dict((p.name, h) for p, h in selectors.person_balances(son)) == {"陈母亲": Decimal("0")}

    # The ledger balances; the district sets hours aside and covers what is outstanding.
    check = selectors.ledger_check()
    assert check.ok and check.outstanding == Decimal("2")  # the helper's two hours
    _as(page, live_server, "district")
    page.goto(f"{url}{reverse('timebank:report')}")
    expect(page.locator("#ledger-check")).to_contain_text("账目平衡")
    page.get_by_label("保障时数（小时）").fill("2")
    page.get_by_role("button", name="存入").click()
    page.wait_for_load_state()
    cover = selectors.cover_of(user=users["district"], region_code=COMMUNITY_A)
    assert cover.covered and cover.ratio == Decimal("1.00")
    expect(page.locator("main")).to_contain_text("100%")
