import datetime
import os

import pytest

from carecircle.benefits import services
from tests.benefits.conftest import born, month_of, today
from tests.conftest import browser_login


@pytest.mark.django_db(transaction=True)
def test_official_reviews_and_approves_a_batch_in_the_browser(page, live_server, users, make_person):
    from carecircle.benefits import defaults
    from carecircle.benefits.models import Batch, Fund

    defaults.install(actor=users["admin"], region_code="339900000000", valid_from=datetime.date(2020, 1, 1))
    for fund in Fund.objects.all():
        services.fund_appropriate(actor=users["admin"], fund=fund, amount="100000", key=f"b:{fund.pk}")
    person = make_person(birth=born(86, today(), 40), name="李桂兰")
    services.payroll_run(
        actor=users["street"], month=month_of(today()), region_code="339901001000", programme_code="GAOLING"
    )
    batch = Batch.objects.get()
    browser_login(page, live_server.url, "district")
    page.goto(f"{live_server.url}/benefits/payrolls/{batch.pk}/")
    assert "李桂兰" in page.content()
    if os.environ.get("CARECIRCLE_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["CARECIRCLE_SCREENSHOTS"], "benefits-batch.png"), full_page=True
        )
    page.click("button[value=approve]")
    page.wait_for_load_state()
    assert "已审批" in page.content()
    page.goto(f"{live_server.url}/benefits/people/{person.pk}/")
    page.click("summary")
    assert "年满80周岁" in page.inner_text("main")  # the rule in words (benefits/rule_text.py)
    if os.environ.get("CARECIRCLE_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["CARECIRCLE_SCREENSHOTS"], "benefits-person.png"), full_page=True
        )
    batch.refresh_from_db()
    assert batch.state == "approved" and batch.approved_by == users["district"]
