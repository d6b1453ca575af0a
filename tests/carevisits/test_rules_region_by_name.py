"""A visit rule's region and a plan run's region are picked by name among the manager's regions, at
any level (a community's rule overrides its street's), never typed or limited to the grant itself."""

from carecircle.carevisits.models import VisitRule


def test_rule_for_a_community_picked_by_name(users, client_for):
    c = client_for(users["district"])
    page = c.get("/carevisits/rules/").content.decode()
    assert (
        "data-region-picker" in page and ">东湖区 / 文新街道 / 桂花社区<" in page and "和睦社区" not in page
    )
    r = c.post(
        "/carevisits/rules/",
        {"region_code": "桂花社区", "group": "living_alone", "frequency": "weekly", "active": "on"},
    )
    assert r.status_code == 302
    assert VisitRule.objects.get().region_code == "339901001001"
    outside = c.post(
        "/carevisits/rules/", {"region_code": "和睦社区", "group": "living_alone", "frequency": "weekly"}
    )
    assert outside.status_code == 422 and "没有名为“和睦社区”的区划" in outside.content.decode()
    assert VisitRule.objects.count() == 1


def test_plan_generation_region_by_name(users, client_for):
    r = client_for(users["district"]).post("/carevisits/rules/generate/", {"region_code": "蒋村街道"})
    assert r.status_code == 422 and "没有名为“蒋村街道”的区划" in r.content.decode()
