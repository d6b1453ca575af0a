"""As an assessor would: open the form for an 80+ person from the 待评估 list, answer all 26 items,
mark a dementia diagnosis, save, and read the printable report."""

import pytest

from carecircle.assessment import capability
from carecircle.assessment.models import CapabilityAssessment
from tests.conftest import browser_login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_assessor_fills_the_form_and_prints_the_report(page, live_server, users, make_person):
    person = make_person(age=84, name="欧阳秀英")
    browser_login(page, live_server.url, "community")
    page.goto(f"{live_server.url}/assessment/people/")
    page.click("a:has-text('开始评估')")
    # Leave one item out first: the page names it and keeps the other answers.
    for code, item in capability.ITEMS.items():
        if code != "B.3.4":
            page.check(f"input[name='{code}'][value='{item.max_score}']")
    page.click("button:has-text('计算并保存评估')")
    assert "B.3.4" in page.locator(".error").inner_text()
    assert page.is_checked("input[name='B.1.1'][value='4']")
    # the form came back with status 422, which the browser logs; nothing else may be logged
    assert [m for m in page.problems if "422" not in m] == [] and len(page.problems) == 1
    page.problems.clear()
    page.check("input[name='B.3.4'][value='3']")
    page.check("input[name=dementia]")
    page.click("button:has-text('计算并保存评估')")
    assert page.locator("h1").first.inner_text() == "老年人能力评估报告"
    text = page.locator("article").inner_text()
    assert "89" in text and "初步等级：轻度失能" in text and "老年人能力等级：中度失能" in text
    a = CapabilityAssessment.objects.get(person=person)
    assert (a.total, a.preliminary_level, a.final_level) == (89, 1, 2)
