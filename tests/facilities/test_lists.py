"""Facilities' staff lists on the list component (facilities/list_specs.py): the facilities, the
register of stays and the waiting lists — a count, filters, a bad parameter refused (422, named),
an export of exactly the filtered rows with names and an audit row; scope from both sides (another
district's official and another operator's admin see none of the rows, the own operator's admin its
own). And the filing page's declared figures in words."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, RoleGrant
from carecircle.facilities import services, waiting
from carecircle.registry.services import status_add
from tests.conftest import COMMUNITY_A2, COMMUNITY_B, make_user

pytestmark = pytest.mark.django_db


def rows_of(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def operator_admin(username, operator):
    user = make_user(username, "provider_admin", "339901000000")
    RoleGrant.objects.filter(user=user).update(
        organisation_kind="facility_operator", organisation_id=operator.pk
    )
    return user


@pytest.fixture
def other_operator(users):
    return services.operator_create(
        actor=users["admin"], name="他家养老", credit_code="91330100MA2DDDDD3Q", region_code=COMMUNITY_A2
    )


@pytest.fixture
def insider(operator):
    return operator_admin("fac_in", operator)


@pytest.fixture
def outsider(other_operator):
    return operator_admin("fac_out", other_operator)


@pytest.fixture
def estate(make_facility, other_operator):
    """Three facilities of our operator in district A (two institutions, one childcare centre with
    普惠 places), one of another operator in A and one in district B."""
    return {
        "home": make_facility("nursing_public", name="东湖福利院", beds_general=4),
        "private": make_facility("nursing_private", name="东湖颐养院", beds_general=2),
        "nursery": make_facility(
            "childcare_centre", name="东湖托育园", childcare_places=20, childcare_places_puhui=10
        ),
        "theirs": make_facility("nursing_private", name="他家颐养院", beds_general=2, op=other_operator),
        "far": make_facility("nursing_private", name="西山颐养院", region=COMMUNITY_B, beds_general=2),
    }


def test_facility_list_counts_filters_and_refuses_bad_parameters(users, client_for, estate):
    c = client_for(users["district"])
    html = c.get("/map/facilities/").content.decode()
    assert "共 4 条" in html and "东湖福利院" in html and "西山颐养院" not in html
    assert "养老机构（公办）" in html  # the kind in words
    html = c.get("/map/facilities/?kind=nursing_private").content.decode()
    assert "共 2 条" in html and "东湖颐养院" in html and "东湖福利院" not in html
    html = c.get("/map/facilities/?puhui=yes").content.decode()
    assert "共 1 条" in html and "东湖托育园" in html
    assert "共 4 条" in c.get("/map/facilities/?state=filed&grade=none").content.decode()
    for bad in ("kind=hotel", "state=open", "grade=金牌", "sort=secret", "page=x", f"region={COMMUNITY_B}"):
        r = c.get(f"/map/facilities/?{bad}")
        assert r.status_code == 422, bad
        assert f"参数 {bad.split('=')[0]}" in r.content.decode()


def test_facility_export_is_the_filtered_set_with_names_and_audited(users, client_for, estate):
    c = client_for(users["district"])
    r = c.post("/map/facilities/?kind=nursing_private&sort=name", {"purpose": "年度检查"})
    assert r.status_code == 200
    rows = rows_of(r.content)
    assert rows[0][:3] == ["名称", "类型", "所在社区"]
    assert sorted(row[0] for row in rows[1:]) == sorted(["东湖颐养院", "他家颐养院"])
    assert {row[1] for row in rows[1:]} == {"养老机构（民办）"}
    assert all(row[2] and not row[2].isdigit() for row in rows[1:])  # the community's name, not its code
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["rows"] == 2 and event.purpose == "年度检查"


def test_facility_list_scope_from_both_sides(users, client_for, estate, insider, outsider):
    html = client_for(users["district_b"]).get("/map/facilities/").content.decode()
    assert "共 1 条" in html and "西山颐养院" in html and "东湖福利院" not in html
    mine = client_for(insider).get("/map/facilities/").content.decode()
    assert "共 3 条" in mine and "东湖福利院" in mine and "他家颐养院" not in mine
    theirs = client_for(outsider).get("/map/facilities/").content.decode()
    assert "共 1 条" in theirs and "他家颐养院" in theirs and "东湖福利院" not in theirs
    assert client_for(users["resident"]).get("/map/facilities/").status_code == 403


@pytest.fixture
def stays(users, estate, make_person):
    """At 东湖颐养院: 钱在住 (admitted 40 days ago) and 孙离院 (admitted 100 days ago, discharged);
    at 他家颐养院: 周他家; at 西山颐养院: 吴西山."""
    today = timezone.localdate()
    out = {}
    for key, facility, name, days in (
        ("current", estate["private"], "钱在住", 40),
        ("past", estate["private"], "孙离院", 100),
        ("theirs", estate["theirs"], "周他家", 10),
        ("far", estate["far"], "吴西山", 10),
    ):
        services.beds_add(actor=users["admin"], facility=facility, kind="general", count=1)
        person = make_person(age=80, name=name, region_code=facility.region_code)
        out[key] = services.stay_admit(
            actor=users["admin"],
            facility=facility,
            person=person,
            kind="general",
            day=today - datetime.timedelta(days=days),
        )
        if key == "past":
            services.stay_discharge(actor=users["admin"], stay=out[key], day=today, reason="回家养老")
    return out


def test_stay_register_counts_filters_exports_and_scopes(users, client_for, estate, stays, insider, outsider):
    c = client_for(users["district"])
    html = c.get("/map/stays/").content.decode()
    assert "共 3 条" in html and "钱在住" in html and "孙离院" in html and "吴西山" not in html
    assert stays["current"].person.id_number not in html and stays["current"].person.id_masked in html
    html = c.get("/map/stays/?state=current").content.decode()
    assert "共 2 条" in html and "孙离院" not in html
    html = c.get(f"/map/stays/?facility={estate['private'].pk}").content.decode()
    assert "共 2 条" in html and "周他家" not in html
    since = (timezone.localdate() - datetime.timedelta(days=50)).isoformat()
    assert "共 2 条" in c.get(f"/map/stays/?admitted_from={since}").content.decode()
    r = c.get("/map/stays/?admitted_from=2026-02-30")
    assert r.status_code == 422 and "admitted_from" in r.content.decode()
    assert c.get("/map/stays/?facility=999999").status_code == 422
    r = c.post(f"/map/stays/?facility={estate['private'].pk}", {"purpose": "床位核查"})
    rows = rows_of(r.content)
    assert rows[0][0] == "姓名" and sorted(row[0] for row in rows[1:]) == ["孙离院", "钱在住"]
    assert {row[2] for row in rows[1:]} == {"东湖颐养院"}
    assert stays["current"].person.id_masked in {row[1] for row in rows[1:]}  # masked without pii.unmask
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["rows"] == 2 and event.purpose == "床位核查"
    # scope: the other district and the other operator see none of these rows; ours sees its own
    html_b = client_for(users["district_b"]).get("/map/stays/").content.decode()
    assert "共 1 条" in html_b and "吴西山" in html_b and "钱在住" not in html_b
    mine = client_for(insider).get("/map/stays/").content.decode()
    assert "共 2 条" in mine and "钱在住" in mine and "周他家" not in mine
    theirs = client_for(outsider).get(f"/map/stays/?facility={estate['private'].pk}").content.decode()
    assert "共 0 条" in theirs and "钱在住" not in theirs
    assert client_for(users["resident"]).get("/map/stays/").status_code == 403


def test_the_facility_page_and_the_menu_lead_to_the_stays(users, client_for, estate, insider):
    page = client_for(users["district"]).get(f"/map/facilities/{estate['private'].pk}/").content.decode()
    assert f"/map/stays/?facility={estate['private'].pk}" in page
    assert 'href="/map/stays/"' in client_for(insider).get("/").content.decode()


@pytest.fixture
def queue(users, estate, make_person, monkeypatch):
    """At 东湖福利院: 赵特困 (特困), 钱普通 and 孙撤销 (withdrawn); an elder of district B at 西山's
    list is not possible (public institutions only), so district B's worker simply has none."""
    monkeypatch.setattr(
        waiting, "capability_levels", lambda persons, day: dict.fromkeys(p.pk for p in persons)
    )
    home = estate["home"]
    at = timezone.now() - datetime.timedelta(days=5)
    out = {}
    for i, name in enumerate(("赵特困", "钱普通", "孙撤销")):
        person = make_person(age=85, name=name)
        out[name] = waiting.waiting_apply(
            actor=users["community"],
            facility=home,
            person=person,
            applied_at=at + datetime.timedelta(minutes=i),
            bed_kind="general",
        )
    status_add(
        actor=users["community"],
        person=out["赵特困"].person,
        kind="tekun",
        valid_from=timezone.localdate() - datetime.timedelta(days=365),
        source="民政认定",
    )
    waiting.waiting_withdraw(actor=users["community"], entry=out["孙撤销"], reason="家属接回")
    return out


def test_waiting_list_counts_filters_exports_and_scopes(users, client_for, estate, queue, insider, outsider):
    c = client_for(users["community"])
    html = c.get("/map/waiting/").content.decode()
    assert "共 2 条" in html and "赵特困" in html and "孙撤销" not in html  # open entries by default
    assert "撤销轮候" in html  # each open entry's withdrawal
    assert f"/map/waiting/{queue['钱普通'].pk}/withdraw/" in html
    assert "共 3 条" in c.get("/map/waiting/?state=").content.decode()  # sent empty: all
    html = c.get("/map/waiting/?priority=tekun").content.decode()
    assert "共 1 条" in html and "钱普通" not in html
    assert "共 0 条" in c.get("/map/waiting/?priority=tekun&state=withdrawn").content.decode()
    today = timezone.localdate().isoformat()
    assert "共 0 条" in c.get(f"/map/waiting/?applied_from={today}").content.decode()
    r = c.get("/map/waiting/?priority=vip")
    assert r.status_code == 422 and "priority" in r.content.decode()
    r = c.post(f"/map/waiting/?facility={estate['home'].pk}&state=", {"purpose": "轮候核对"})
    rows = rows_of(r.content)
    assert rows[0][:2] == ["机构", "姓名"] and sorted(row[1] for row in rows[1:]) == [
        "孙撤销",
        "赵特困",
        "钱普通",
    ]
    assert {row[0] for row in rows[1:]} == {"东湖福利院"}
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["rows"] == 3 and event.purpose == "轮候核对"
    html_b = client_for(users["community_b"]).get("/map/waiting/").content.decode()
    assert "共 0 条" in html_b and "赵特困" not in html_b
    mine = client_for(insider).get("/map/waiting/").content.decode()
    assert "共 2 条" in mine and "赵特困" in mine
    theirs = client_for(outsider).get("/map/waiting/").content.decode()
    assert "共 0 条" in theirs and "赵特困" not in theirs


def test_filing_page_names_the_declared_figures(users, client_for, make_facility):
    facility = make_facility("nursing_private", filed=False, beds_general=12)
    filing = facility.filings.get()
    page = client_for(users["admin"]).get(f"/map/filings/{filing.pk}/").content.decode()
    assert "普通床位：12" in page and "beds_general" not in page
