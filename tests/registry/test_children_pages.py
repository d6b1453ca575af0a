"""The pages of the register of children in difficulty (issue 16, item 2d): list with count, filters
and Excel export, registering a child, the child's page with guardianship assessments and visits,
the assessment form; scoped to the user's regions."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.carevisits import plans
from carecircle.carevisits import services as visit_services
from carecircle.core.models import AuditEvent
from carecircle.registry import children_services
from carecircle.registry.models import GuardianshipAssessment, Person
from tests.conftest import COMMUNITY_A, id_number
from tests.registry.scope_factories import make_child


def _birth(age: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - age, day=min(today.day, 28)) - datetime.timedelta(days=40)


def test_a_ten_year_old_registered_through_the_page_is_on_the_list(users, client_for):
    client = client_for(users["community"])
    form = client.get("/people/children/new/")
    assert form.status_code == 200 and "登记困境儿童" in form.content.decode()
    response = client.post(
        "/people/children/new/",
        {
            "name": "小明",
            "id_number": id_number(_birth(10), 21),
            "region_code": COMMUNITY_A,
            "kind": "child_in_difficulty",
            "valid_from": "2025-06-01",
            "phone": "13912345678",
            "source": "街道排查",
        },
    )
    child = Person.objects.get(name="小明")
    assert response.status_code == 302 and response["Location"] == f"/people/children/{child.pk}/"
    assert child.statuses.get().valid_from == datetime.date(2025, 6, 1)
    listing = client.get("/people/children/").content.decode()
    assert "小明" in listing and "共 1 人" in listing and "困境儿童" in listing
    assert "13912345678" not in listing and child.id_number not in listing and child.id_masked in listing


def test_the_register_form_refuses_a_bad_value_with_422_naming_the_field(users, client_for):
    client = client_for(users["community"])
    response = client.post(
        "/people/children/new/",
        {
            "name": "小明",
            "id_number": id_number(_birth(30), 22),
            "region_code": COMMUNITY_A,
            "kind": "orphan",
        },
    )
    assert response.status_code == 422
    assert "未满18周岁" in response.content.decode()
    response = client.post(
        "/people/children/new/",
        {"name": "小明", "id_number": id_number(_birth(10), 23), "region_code": COMMUNITY_A, "kind": "dibao"},
    )
    assert response.status_code == 422 and "请选择儿童类别" in response.content.decode()
    assert not Person.objects.exists()


def test_the_general_person_form_says_why_a_ten_year_old_is_refused(users, client_for):
    response = client_for(users["community"]).post(
        "/people/new/", {"name": "小明", "id_number": id_number(_birth(10), 24), "region_code": COMMUNITY_A}
    )
    assert response.status_code == 422
    assert "3至17岁的儿童仅在登记为困境儿童或孤儿时录入" in response.content.decode()


def test_a_guardianship_assessment_through_the_page(users, client_for):
    child = make_child(users, name="小红")
    client = client_for(users["community"])
    page = client.get(f"/people/children/{child.pk}/guardianship/")
    assert page.status_code == 200 and "登记监护评估" in page.content.decode()
    response = client.post(
        f"/people/children/{child.pk}/guardianship/",
        {
            "guardian_name": "李奶奶",
            "relation": "grandparent",
            "assessed_on": timezone.localdate().isoformat(),
            "outcome": "lacking",
            "guardian_phone": "13912345678",
            "notes": "父母均在外务工",
        },
    )
    assert response.status_code == 302
    record = GuardianshipAssessment.objects.get(person=child)
    assert record.outcome == "lacking" and record.assessor == users["community"]
    assert AuditEvent.objects.filter(action="guardianship.assess").count() == 1  # by the service, once
    detail = client.get(f"/people/children/{child.pk}/").content.decode()
    assert (
        "监护缺失" in detail
        and "李奶奶" in detail
        and "139****5678" in detail
        and "13912345678" not in detail
    )
    listing = client.get("/people/children/?outcome=lacking").content.decode()
    assert "小红" in listing and "监护缺失" in listing


def test_a_bad_assessment_is_shown_again_with_422(users, client_for):
    child = make_child(users)
    response = client_for(users["community"]).post(
        f"/people/children/{child.pk}/guardianship/",
        {
            "guardian_name": "",
            "relation": "grandparent",
            "assessed_on": timezone.localdate().isoformat(),
            "outcome": "good",
        },
    )
    assert response.status_code == 422 and "请填写监护人姓名" in response.content.decode()
    response = client_for(users["community"]).post(
        f"/people/children/{child.pk}/guardianship/",
        {"guardian_name": "王某", "relation": "grandparent", "assessed_on": "明天", "outcome": "good"},
    )
    assert response.status_code == 422 and "评估日期格式" in response.content.decode()
    assert not GuardianshipAssessment.objects.exists()


def test_an_outsider_is_refused_every_child_page(users, client_for):
    child = make_child(users)
    outsider = client_for(users["street_b"])
    assert outsider.get(f"/people/children/{child.pk}/").status_code == 404
    assert outsider.get(f"/people/children/{child.pk}/guardianship/").status_code == 404
    response = outsider.post(
        f"/people/children/{child.pk}/guardianship/",
        {
            "guardian_name": "王某",
            "relation": "parent",
            "assessed_on": timezone.localdate().isoformat(),
            "outcome": "good",
        },
    )
    assert response.status_code == 404 and not GuardianshipAssessment.objects.exists()
    listing = outsider.get("/people/children/").content.decode()
    assert child.name not in listing and "共 0 人" in listing
    assert client_for(users["resident"]).get("/people/children/").status_code == 403
    # the inspector sees no registry: refused; an insider of the child's region succeeds
    assert client_for(users["street"]).get(f"/people/children/{child.pk}/").status_code == 200


def test_an_elder_has_no_child_page(users, make_person, client_for):
    elder = make_person(age=75)
    assert client_for(users["admin"]).get(f"/people/children/{elder.pk}/").status_code == 404


def test_the_child_page_shows_the_visit_plans_and_visits(users, client_for):
    child = make_child(users, name="小刚", valid_from=datetime.date(2024, 1, 1))
    visit_services.rule_set(
        actor=users["admin"], region_code="339900000000", group="child_in_difficulty", frequency="monthly"
    )
    today = timezone.localdate()
    plans.generate("3399", today.year, today.month)
    from carecircle.carevisits.models import VisitPlan

    plan = VisitPlan.objects.get(person=child)
    visit_services.visit_record(
        actor=users["community"],
        plan=plan,
        visited_at=timezone.now(),
        place="home",
        seen="self",
        condition="good",
        notes="学习生活正常",
    )
    page = client_for(users["community"]).get(f"/people/children/{child.pk}/").content.decode()
    assert "上门查访" in page and "每月" in page and "已探访" in page and "学习生活正常" in page


def test_the_excel_export_has_names_not_codes_masked_data_and_is_audited(users, client_for):
    child = make_child(users, name="小明", phone="13912345678")
    make_child(users, name="外区", region_code="339902001001")
    response = client_for(users["street"]).get("/people/children/export.xlsx?kind=child_in_difficulty")
    assert response.status_code == 200 and "attachment;" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "姓名" and len(rows) == 2
    assert rows[1][0] == "小明" and rows[1][4] == child.id_masked and rows[1][5] == "139****5678"
    assert rows[1][7] == "桂花社区" and rows[1][8] == "困境儿童" and rows[1][10] == "未评估"
    event = AuditEvent.objects.get(action="children.export")
    assert event.detail["rows"] == 1
    assert (
        client_for(users["community"]).get("/people/children/export.xlsx").status_code == 403
    )  # no registry.export


def test_a_bad_filter_is_a_4xx_naming_the_field(users, client_for):
    response = client_for(users["street"]).get("/people/children/?region=abc")
    assert response.status_code == 422 and "区划代码" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_list_and_the_assessment_form_in_a_browser(page, live_server, users):
    from tests.conftest import browser_login

    child = make_child(users, name="小芳")
    browser_login(page, live_server.url, "community")
    page.hover(".navlabel:has-text('人员信息库')")  # the module's menu opens on hover
    page.click(".navmenu a:has-text('困境儿童')")
    assert "共 1 人" in page.locator("#children-count").inner_text()
    page.click("a:has-text('小芳')")
    page.click("summary:has-text('登记监护评估')")
    page.fill("input[name=guardian_name]", "张爷爷")
    page.select_option("select[name=relation]", "grandparent")
    page.select_option("select[name=outcome]", "good")
    page.click("button:has-text('保存评估')")
    assert "监护良好" in page.locator("#guardianship").inner_text()
    assert GuardianshipAssessment.objects.filter(person=child).count() == 1


def test_the_list_and_the_export_do_not_query_per_row(users, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["admin"])

    def counts() -> tuple[int, int]:
        out = []
        for url in ("/people/children/", "/people/children/export.xlsx"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            out.append(len(captured.captured_queries))
        return out[0], out[1]

    def add() -> None:
        child = make_child(users, kind="orphan")
        children_services.guardianship_assess(
            actor=users["admin"],
            person=child,
            guardian_name="王某",
            relation="parent",
            assessed_on=timezone.localdate(),
            outcome="good",
        )

    add()
    counts()  # warm the caches (grants, regions)
    once = counts()
    for _ in range(3):
        add()
    assert counts() == once


def test_the_person_page_links_a_child_to_the_register(users, make_person, client_for):
    child = make_child(users)
    client = client_for(users["street"])
    assert f"/people/children/{child.pk}/" in client.get(f"/people/{child.pk}/").content.decode()
    elder = make_person(age=75)
    assert f"/people/children/{elder.pk}/" not in client.get(f"/people/{elder.pk}/").content.decode()
    assert "困境儿童台账：监护评估与上门查访" not in client.get(f"/people/{elder.pk}/").content.decode()


def test_the_api_registers_lists_and_assesses_a_child(users, client_for):
    client = client_for(users["community"])
    created = client.post(
        "/api/v1/children",
        {
            "name": "小明",
            "id_number": id_number(_birth(10), 31),
            "region_code": COMMUNITY_A,
            "kind": "orphan",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    child = created.json()
    assert child["kinds"] == ["孤儿"] and child["age"] in (9, 10) and "*" in child["id_number"]
    refused = client.post(
        "/api/v1/persons",
        {"name": "小红", "id_number": id_number(_birth(10), 32), "region_code": COMMUNITY_A},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "困境儿童或孤儿" in refused.json()["message"]
    assessed = client.post(
        f"/api/v1/children/{child['id']}/guardianship",
        {
            "guardian_name": "李奶奶",
            "relation": "grandparent",
            "assessed_on": timezone.localdate().isoformat(),
            "outcome": "intervene",
            "guardian_phone": "13912345678",
        },
        content_type="application/json",
    )
    assert assessed.status_code == 201 and assessed.json()["guardian_phone"] == "139****5678"
    bad = client.post(
        f"/api/v1/children/{child['id']}/guardianship",
        {
            "guardian_name": "李奶奶",
            "relation": "neighbour",
            "assessed_on": timezone.localdate().isoformat(),
            "outcome": "good",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "relation" and "关系" in bad.json()["message"]
    listing = client.get("/api/v1/children?outcome=intervene").json()
    assert listing["count"] == 1 and listing["results"][0]["last_outcome"] == "intervene"
    detail = client.get(f"/api/v1/children/{child['id']}").json()
    assert [a["outcome_name"] for a in detail["assessments"]] == ["需干预"]
    outsider = client_for(users["street_b"])
    assert outsider.get(f"/api/v1/children/{child['id']}").status_code == 404
    assert outsider.get("/api/v1/children").json()["count"] == 0
