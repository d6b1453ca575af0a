"""The alarm centre's lists on the list component: every device (the page once stopped at 200 without
a word), filters by kind, state and text, an export of exactly the filtered set, and the incidents
a supervisor looks back on; scope from both sides."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from carecircle.alarms import services
from carecircle.alarms.models import Device, Incident, IncidentState, Source
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent
from tests.conftest import COMMUNITY_B

pytestmark = pytest.mark.django_db


def rows_of(body: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def fleet(make_person, make_device, users):
    """205 devices in district A (one silent with an open offline incident, one never heard from,
    one with a low battery, one retired) and one in district B."""
    owner = make_person(name="王设备")
    now = timezone.now()
    Device.objects.bulk_create(
        Device(
            person=owner,
            region_code=owner.region_code,
            kind="sos" if i % 2 else "smoke",
            serial=f"DEV-{i:04d}",
            token_hash=f"{i:064d}",
            location="卧室",
        )
        for i in range(205)
    )
    devices = list(Device.objects.order_by("serial"))
    Device.objects.filter(pk__in=[d.pk for d in devices[1:]]).update(last_heartbeat_at=now, battery=90)
    silent, low, retired = devices[1], devices[2], devices[3]
    Device.objects.filter(pk=silent.pk).update(last_heartbeat_at=now - datetime.timedelta(days=2))
    Incident.objects.create(
        person=owner,
        region_code=owner.region_code,
        source=Source.OFFLINE,
        kind="offline",
        title="设备离线",
        device=silent,
        opened_at=now,
    )
    Device.objects.filter(pk=low.pk).update(battery=9)
    Device.objects.filter(pk=retired.pk).update(active=False)
    far = make_person(name="西山人", region_code=COMMUNITY_B)
    services.device_register(actor=users["admin"], person=far, kind="sos", serial="FAR-1")
    return {"never": devices[0], "silent": silent, "low": low, "retired": retired}


def test_every_device_is_listed_and_counted(users, client_for, fleet):
    html = client_for(users["district"]).get("/alarms/devices/").content.decode()
    assert "共 205 条" in html and "page=7" in html  # 30 a page, none dropped
    assert "西山人" not in html


@pytest.mark.parametrize(
    ("state", "which", "count"),
    [("never", "never", 1), ("offline", "silent", 1), ("low_battery", "low", 1), ("inactive", "retired", 1)],
)
def test_device_state_filter(users, client_for, fleet, state, which, count):
    html = client_for(users["district"]).get(f"/alarms/devices/?state={state}").content.decode()
    assert f"共 {count} 条" in html and fleet[which].serial in html


def test_device_filters_text_kind_and_bad_parameters(users, client_for, fleet):
    c = client_for(users["district"])
    assert "共 1 条" in c.get(f"/alarms/devices/?q={fleet['low'].serial}").content.decode()
    online = c.get("/alarms/devices/?state=online").content.decode()
    assert "共 202 条" in online  # 205 less the never-heard, the silent and the retired (low is online)
    r = c.get("/alarms/devices/?state=lost")
    assert r.status_code == 422 and "state" in r.content.decode()
    assert c.get("/alarms/devices/?kind=toaster").status_code == 422
    assert c.get("/alarms/devices/?region=" + COMMUNITY_B).status_code == 422


def test_device_export_is_the_filtered_set_and_audited(users, client_for, fleet):
    c = client_for(users["district"])
    r = c.post("/alarms/devices/?kind=smoke", {"purpose": "设备巡检"})
    assert r.status_code == 200
    rows = rows_of(r.content)
    assert len(rows) == 1 + 103 and rows[0][0] == "设备"
    assert {row[0] for row in rows[1:]} == {"烟感报警器"}
    assert all(row[2] == "王设备" for row in rows[1:])
    event = AuditEvent.objects.filter(action=AuditAction.LIST_EXPORT).latest("id")
    assert event.detail["rows"] == 103 and event.purpose == "设备巡检"


def test_incident_list_for_supervisors_in_scope(users, client_for, make_person):
    mine = make_person(name="李警情")
    far = make_person(name="西山警情", region_code=COMMUNITY_B)
    now = timezone.now()
    for p in (mine, far):
        Incident.objects.create(
            person=p,
            region_code=p.region_code,
            source=Source.PHONE,
            kind="phone",
            title="电话求助",
            opened_at=now,
            state=IncidentState.RESOLVED,
            acknowledged_at=now + datetime.timedelta(seconds=42),
        )
    html = client_for(users["district"]).get("/alarms/incidents/").content.decode()
    assert "共 1 条" in html and "李警情" in html and "42 秒" in html and "西山警情" not in html
    html_b = client_for(users["district_b"]).get("/alarms/incidents/").content.decode()
    assert "西山警情" in html_b and "李警情" not in html_b
    assert client_for(users["community"]).get("/alarms/incidents/").status_code == 403
    assert client_for(users["district"]).get("/alarms/incidents/?opened_from=2026-13-01").status_code == 422
