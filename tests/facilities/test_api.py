import json

from carecircle.facilities import waiting
from carecircle.facilities.models import WaitingState


def test_api_for_insiders(client_for, users, make_facility, make_person):
    home = make_facility("nursing_public", beds_general=4, beds_nursing=6)
    pending = make_facility("canteen", filed=False)
    c = client_for(users["district"])
    listed = json.loads(c.get("/api/v1/facilities").content)
    assert {f["id"] for f in listed} == {home.pk, pending.pk}
    assert json.loads(c.get(f"/api/v1/facilities/{home.pk}").content)["beds_nursing"] == 6
    person = make_person(age=88)
    waiting.waiting_apply(actor=users["community"], facility=home, person=person)
    places = json.loads(c.get(f"/api/v1/facilities/{home.pk}/waiting").content)
    assert places[0]["rank"] == 1 and places[0]["person_id"] == person.pk and "年龄" in places[0]["reason"]
    filing = pending.filings.get()
    r = c.post(
        f"/api/v1/filings/{filing.pk}/review",
        {"approve": False, "reasons": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and json.loads(r.content)["field"] == "reasons"
    r = c.post(f"/api/v1/filings/{filing.pk}/review", {"approve": True}, content_type="application/json")
    assert r.status_code == 200 and json.loads(r.content)["state"] == "approved"
    cap = json.loads(c.get("/api/v1/facilities-capacity", {"region": "339901000000"}).content)
    assert cap["beds_total"] == 10 and cap["beds_nursing"] == 6
    assert c.get("/api/v1/facilities-capacity", {"region": "339902000000"}).status_code in (403, 404)


def test_withdraw_closes_entry_and_open_offer(users, make_facility, make_person):
    from carecircle.facilities import services

    home = make_facility("nursing_public", beds_general=1)
    services.beds_add(actor=users["admin"], facility=home, kind="general", count=1)
    entry = waiting.waiting_apply(actor=users["community"], facility=home, person=make_person(age=77))
    offer = waiting.offer_next(actor=users["admin"], facility=home)
    waiting.waiting_withdraw(actor=users["community"], entry=entry, reason="家属接回家中照顾")
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert entry.state == WaitingState.WITHDRAWN and offer.response == "declined"
    assert waiting.ranked(home) == []
