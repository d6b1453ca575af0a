"""Public disclosure (issue 20 item 8): the public pages and open data need no sign-in, carry the
right units with their grade, suspension, results and penalties, parse as CSV and GeoJSON, and hold
no personal data (searched for the fixtures' people's names, ID numbers and phones, the staff's
names, and the inspector's free-text notes)."""

import csv
import datetime
import io
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from carecircle.core.models import User
from carecircle.oversight import services
from carecircle.oversight.models import DrawPlan, Finding, Inspection, Unit
from tests.conftest import COMMUNITY_A, COMMUNITY_B
from tests.oversight.factories import hazard_finding, make_finding, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, make_person):
    """A confirmed inspection with a failed item answered by the unit's admin, a penalty, a
    suspended unit, an inactive one, and people with names, ID numbers and phones."""
    names = {"district": "区干部甲某", "admin": "市管理员乙某", "inspector": "检查员丙某"}
    for key, name in names.items():
        User.objects.filter(pk=users[key].pk).update(display_name=name)
        users[key].refresh_from_db()
    people = [
        make_person(name="王秀英", phone="13912345678"),
        make_person(name="李建国", region_code=COMMUNITY_B),
    ]
    ctx = SimpleNamespace(users=users, make_person=make_person, person=people[0])
    finding = make_finding(ctx, answered=True)
    Finding.objects.filter(pk=finding.pk).update(text=f"{people[0].name}床旁呼叫器损坏，电话13912345678")
    inspected = finding.unit
    Unit.objects.filter(pk=inspected.pk).update(active=True, latitude=30.291, longitude=120.121)
    stopped = make_unit(COMMUNITY_A, grade="D", name="东湖暂停养老院")
    Unit.objects.filter(pk=stopped.pk).update(latitude=30.292, longitude=120.122)
    hazard_finding(stopped.kind, stopped.source_id, COMMUNITY_A)
    far = make_unit(COMMUNITY_B, grade="A", name="西山守信养老院")
    Unit.objects.filter(pk=far.pk).update(latitude=30.211, longitude=120.061)
    gone = make_unit(COMMUNITY_A, grade="C", name="已注销托育园")
    Unit.objects.filter(pk=gone.pk).update(active=False)
    services.penalty_record(
        actor=users["admin"],
        unit=Unit.objects.get(pk=far.pk),
        decision_no="东湖民罚〔2026〕7号",
        decided_on=datetime.date(2026, 2, 3),
        authority="西山区民政局",
        fine=Decimal("20000"),
        text="消防设施未保持完好有效，处罚款",
    )
    return SimpleNamespace(
        finding=finding, inspected=inspected, stopped=stopped, far=far, gone=gone, people=people, users=users
    )


def _private(w) -> list[str]:
    """What must never be published: people's names, ID numbers and phones; staff names other
    than the drawn inspectors'; the inspector's note; the unit admin's name."""
    out = []
    for p in w.people:
        out += [p.name, p.id_number, p.phone]
    out += ["区干部甲某", "市管理员乙某", "机构负责人", "床旁呼叫器损坏", "已整改"]
    return [s for s in out if s]


def _public_urls(w):
    # the published plans (hazard_finding's made-up plans carry no inputs: no draw page to check)
    plans = list(DrawPlan.objects.exclude(inputs={}).values_list("pk", flat=True))
    assert plans
    units = list(Unit.objects.values_list("pk", flat=True))
    return [
        reverse("oversight:public_index"),
        reverse("oversight:public_units"),
        reverse("oversight:public_units") + "?grade=D",
        reverse("oversight:open_units_csv"),
        reverse("oversight:open_units_geojson"),
        reverse("oversight:open_results_csv"),
        reverse("oversight:open_penalties_csv"),
        reverse("oversight:open_draws_csv"),
        reverse("oversight:public_draws"),
        reverse("portal:public_facilities"),
        *[reverse("oversight:public_unit", args=[pk]) for pk in units if pk != w.gone.pk],
        *[reverse("oversight:public_draw", args=[pk]) for pk in plans],
        *[reverse("oversight:public_draw_inputs", args=[pk]) for pk in plans],
    ]


def _text(response) -> str:
    body = response.content.decode("utf-8")
    if response["Content-Type"].startswith("application/"):
        body += json.dumps(json.loads(body), ensure_ascii=False) if body.lstrip().startswith("{") else ""
    return body


def test_public_pages_and_open_data_hold_no_personal_data(client, world):
    private = _private(world)
    inspector_names = {
        "检查员丙某",
        *User.objects.filter(display_name__startswith="检查员").values_list("display_name", flat=True),
    }
    for url in _public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for secret in private:
            assert secret not in text, f"{url} shows {secret}"
        if "/draws" not in url:  # inspectors' names are published with the draws only
            for name in inspector_names:
                assert name not in text, f"{url} shows the inspector {name}"
    # the draws do publish the inspectors' names (一公开), and nothing else about them
    draws = client.get(reverse("oversight:open_draws_csv")).content.decode("utf-8-sig")
    assert "检查员丙某" in draws


def _csv(client, name):
    response = client.get(reverse(f"oversight:{name}"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_open_data_parses_and_carries_the_right_units(client, world):
    rows = {r["名称"]: r for r in _csv(client, "open_units_csv")}
    active = set(Unit.objects.filter(active=True).values_list("name", flat=True))
    assert set(rows) == active and "已注销托育园" not in rows
    assert rows["东湖暂停养老院"]["因重大隐患暂停"] == "是" and rows["东湖暂停养老院"]["信用等级"] == "D"
    assert (
        rows["西山守信养老院"]["行政处罚次数"] == "1"
        and Decimal(rows["西山守信养老院"]["罚款合计（元）"]) == 20000
    )
    assert rows["西山守信养老院"]["区县"] == "西山区" and rows["西山守信养老院"]["社区村"] == "和睦社区"
    inspected = rows[world.inspected.name]
    assert (inspected["已完成检查次数"], inspected["不合格检查项"], inspected["未完成整改"]) == (
        "1",
        "1",
        "1",
    )

    response = client.get(reverse("oversight:open_units_geojson"))
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    features = {f["properties"]["name"]: f for f in data["features"]}
    with_position = set(
        Unit.objects.filter(active=True).exclude(latitude=None).values_list("name", flat=True)
    )
    assert set(features) == with_position and "已注销托育园" not in features
    stopped = features["东湖暂停养老院"]
    assert stopped["geometry"] == {"type": "Point", "coordinates": [120.122, 30.292]}
    assert stopped["properties"]["suspended"] is True and stopped["properties"]["credit_grade"] == "D"
    assert features["西山守信养老院"]["properties"]["suspended"] is False

    results = _csv(client, "open_results_csv")
    confirmed = Inspection.objects.filter(state="confirmed")
    assert len(results) == confirmed.count()
    mine = next(r for r in results if r["单位名称"] == world.inspected.name)
    assert mine["不合格项数"] == "1" and mine["不合格事项"] == world.finding.item.title
    assert mine["已提交整改待验收"] == "1"
    penalties = _csv(client, "open_penalties_csv")
    assert [(p["处罚决定书文号"], p["单位名称"], p["罚款金额（元）"]) for p in penalties] == [
        ("东湖民罚〔2026〕7号", "西山守信养老院", "20000.00")
    ]
    draws = _csv(client, "open_draws_csv")
    assert {d["抽中单位"] for d in draws} >= {world.inspected.name}


def test_the_public_unit_page_shows_grade_suspension_results_and_penalties(client, world):
    page = client.get(reverse("oversight:public_unit", args=[world.stopped.pk])).content.decode()
    assert 'id="unit-suspended"' in page and "D 级" in page and "重大隐患" in page
    page = client.get(reverse("oversight:public_unit", args=[world.inspected.pk])).content.decode()
    assert world.finding.item.title in page and "已提交整改，待验收" in page
    page = client.get(reverse("oversight:public_unit", args=[world.far.pk])).content.decode()
    assert "东湖民罚〔2026〕7号" in page and "¥20,000.00" in page and 'id="unit-suspended"' not in page
    assert client.get(reverse("oversight:public_unit", args=[world.gone.pk])).status_code == 404
    listed = client.get(reverse("oversight:public_units"), {"grade": "D"}).content.decode()
    assert "东湖暂停养老院" in listed and "西山守信养老院" not in listed
    bad = client.get(reverse("oversight:public_units"), {"grade": "Z"})
    assert bad.status_code == 422 and "信用等级" in bad.content.decode()


def test_the_finder_shows_the_credit_grade_and_a_suspension(client, users):
    from carecircle.facilities.models import Facility
    from tests.facilities.scope_factories import make_filing

    ctx = SimpleNamespace(users=users)
    facility = Facility.objects.get(pk=make_filing(ctx).facility_id)
    Facility.objects.filter(pk=facility.pk).update(name="东湖公办养老院")
    finding = hazard_finding("facility", facility.pk)
    Unit.objects.filter(pk=finding.unit_id).update(credit_grade="C")
    html = client.get(reverse("portal:public_facilities")).content.decode()
    card = html.split(f'id="f{facility.pk}"', 1)[1].split("</li>", 1)[0]
    assert '<span class="credit-grade">C</span>' in card
    assert "暂停服务" in card and "重大隐患" in card
    # the public facility map's GeoJSON says it too
    features = json.loads(client.get(reverse("api:public_geojson")).content)["features"]
    mine = next(f for f in features if f["id"] == facility.pk)
    assert "重大隐患" in mine["properties"]["suspended"]
    Finding.objects.filter(pk=finding.pk).update(state="closed")
    card = (
        client.get(reverse("portal:public_facilities")).content.decode().split(f'id="f{facility.pk}"', 1)[1]
    )
    assert "暂停服务" not in card.split("</li>", 1)[0]
