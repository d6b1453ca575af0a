"""The time bank's services (issue 21 item 6, Bad input): hours move only when the older person's
side or a worker confirms them, the ledger balances, nothing is half-saved or counted twice."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.core.errors import Conflict, Forbidden, InvalidInput
from carecircle.core.models import AuditEvent
from carecircle.timebank import selectors, services
from carecircle.timebank.models import Entry, HelpRequest, Line, RequestStatus
from tests.conftest import COMMUNITY_B
from tests.timebank.helpers import account, elder_with_account, link, served, volunteer

pytestmark = pytest.mark.django_db
H = Decimal


def _post(actor, person, hours="2", pay="", days=0):
    return services.request_post(
        actor=actor,
        person=person,
        kind="shopping",
        wanted_on=timezone.localdate() + datetime.timedelta(days=days),
        hours=hours,
        pay=pay,
    )


def test_a_served_request_confirmed_by_the_elder_moves_the_hours_once(users, make_person):
    elder = elder_with_account(make_person)
    vol = volunteer()
    req = _post(elder.user, elder)
    served(req, vol, elder.user, "1.5")
    assert selectors.volunteer_balance(vol) == H("1.5")
    req.refresh_from_db()
    assert req.status == RequestStatus.CONFIRMED and req.earned == H("1.5")
    assert req.check_in_lat == pytest.approx(30.28) and req.check_out_at >= req.check_in_at
    check = selectors.ledger_check()
    assert check.ok and check.outstanding == H("1.5") and check.unbalanced == 0
    with pytest.raises(Conflict):  # confirmed already: not a second time
        services.request_confirm(actor=elder.user, help_request=req, hours="1.5")
    assert Entry.objects.filter(key=f"earn:{req.pk}").count() == 1
    assert selectors.volunteer_balance(vol) == H("1.5")


def test_hours_confirmed_by_the_earner_alone_are_refused_and_nothing_is_saved(users, make_person):
    elder = elder_with_account(make_person)
    vol = volunteer()
    link(vol.user, elder)  # even as the elder's relative the volunteer cannot confirm their own hours
    req = _post(elder.user, elder)
    services.request_take(actor=vol.user, help_request=req)
    services.request_check_in(actor=vol.user, help_request=req, latitude="30.28", longitude="120.13")
    services.request_check_out(actor=vol.user, help_request=req, latitude="30.28", longitude="120.13")
    with pytest.raises(Forbidden) as refused:
        services.request_confirm(actor=vol.user, help_request=req, hours="2")
    assert "志愿者本人不能确认" in str(refused.value.message)
    req.refresh_from_db()
    assert req.status == RequestStatus.DONE and req.earned is None
    assert not Entry.objects.filter(kind="earn").exists()
    # a worker of the elder's community confirms instead
    services.request_confirm(actor=users["community"], help_request=req, hours="2")
    assert selectors.volunteer_balance(vol) == H("2")


def test_a_worker_of_another_district_cannot_confirm(users, make_person):
    elder = elder_with_account(make_person)
    vol = volunteer()
    req = _post(users["community"], elder)
    services.request_take(actor=vol.user, help_request=req)
    services.request_check_in(actor=vol.user, help_request=req, latitude="30.28", longitude="120.13")
    services.request_check_out(actor=vol.user, help_request=req, latitude="30.28", longitude="120.13")
    with pytest.raises(Conflict):
        services.request_confirm(actor=users["community_b"], help_request=req, hours="2")
    assert not Line.objects.exists() or selectors.volunteer_balance(vol) == 0


def test_check_in_needs_a_position_and_the_taker(users, make_person):
    elder = elder_with_account(make_person)
    vol, other = volunteer(), volunteer("vol2", name="王志愿")
    req = _post(elder.user, elder)
    services.request_take(actor=vol.user, help_request=req)
    with pytest.raises(InvalidInput) as no_position:
        services.request_check_in(actor=vol.user, help_request=req, latitude="", longitude="")
    assert no_position.value.field == "latitude"
    with pytest.raises(Conflict):
        services.request_check_in(actor=other.user, help_request=req, latitude="30", longitude="120")
    with pytest.raises(Conflict):  # taken already
        services.request_take(actor=other.user, help_request=req)


def test_daily_cap_is_a_rule_and_refuses_the_hour_over_it(users, make_person):
    elder = elder_with_account(make_person)
    vol = volunteer()
    first, second = _post(elder.user, elder, "5"), _post(elder.user, elder, "5")
    served(first, vol, elder.user, "5")
    with pytest.raises(InvalidInput) as capped:
        served(second, vol, elder.user, "4")
    assert "每日获得上限" in str(capped.value.message) and capped.value.field == "hours"
    second.refresh_from_db()
    assert second.status == RequestStatus.DONE and selectors.volunteer_balance(vol) == H("5")
    rule = selectors.rule_for(elder.region_code)
    rule.daily_cap = H("10")
    rule.save()
    services.request_confirm(actor=elder.user, help_request=second, hours="4")
    assert selectors.volunteer_balance(vol) == H("9")


def test_a_volunteer_must_be_an_adult(users):
    with pytest.raises(InvalidInput) as young:
        volunteer(age=16)
    assert young.value.field == "birth_date" and "18" in str(young.value.message)
    old = volunteer("silver", age=68, name="银龄")  # older volunteers welcome
    assert old.pk


def test_a_gift_beyond_the_balance_or_to_a_stranger_is_refused_and_counted_once(users, make_person):
    elder = elder_with_account(make_person)
    mother = make_person(age=82, name="母亲")
    stranger = make_person(age=82, name="陌生人")
    vol = volunteer()
    link(vol.user, mother)
    served(_post(elder.user, elder), vol, elder.user, "2")
    with pytest.raises(InvalidInput) as over:
        services.hours_give(actor=vol.user, person=mother, hours="3", token="t1")
    assert "超过余额" in str(over.value.message)
    with pytest.raises(InvalidInput):
        services.hours_give(actor=vol.user, person=stranger, hours="1", token="t2")
    services.hours_give(actor=vol.user, person=mother, hours="1.5", token="t3")
    services.hours_give(actor=vol.user, person=mother, hours="1.5", token="t3")  # the same form again
    assert selectors.volunteer_balance(vol) == H("0.5")
    assert Entry.objects.filter(kind="gift").count() == 1
    rule = selectors.rule_for(vol.region_code)
    rule.gift_yearly_cap = H("1.75")
    rule.save()
    with pytest.raises(InvalidInput) as cap:
        services.hours_give(actor=vol.user, person=mother, hours="0.5", token="t4")
    assert "每年转赠上限" in str(cap.value.message)
    assert selectors.ledger_check().ok


def test_a_redemption_before_the_allowed_age_is_refused_and_nothing_is_saved(users, make_person):
    young = make_person(age=65, name="六十五")
    before = HelpRequest.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _post(users["community"], young, pay="own")
    assert "未满70周岁" in str(refused.value.message) and refused.value.field == "pay"
    assert HelpRequest.objects.count() == before and not Entry.objects.exists()


def test_a_redemption_beyond_the_balance_is_refused(users, make_person):
    elder = elder_with_account(make_person)
    with pytest.raises(InvalidInput) as short:
        _post(elder.user, elder, pay="own")
    assert "时间余额不足" in str(short.value.message)
    assert not HelpRequest.objects.exists()


def test_hours_given_to_a_relative_are_spent_on_her_help_and_the_pool_covers_what_is_outstanding(
    users, make_person
):
    elder = elder_with_account(make_person)
    mother = make_person(age=82, name="母亲")
    son = volunteer("son", name="儿子")
    link(son.user, mother)
    served(_post(elder.user, elder, "3"), son, elder.user, "3")
    services.hours_give(actor=son.user, person=mother, hours="3", token="g")
    redemption = _post(son.user, mother, "2", pay="own")  # the relative spends them for her
    assert dict((p.name, h) for p, h in selectors.person_balances(son.user)) == {"母亲": H("1")}
    helper = volunteer("helper", name="帮手")
    served(redemption, helper, son.user, "1.5")  # 1.5 of the 2 held are spent, 0.5 goes back
    balances = dict((p.name, h) for p, h in selectors.person_balances(son.user))
    assert balances["母亲"] == H("1.5")
    check = selectors.ledger_check()
    assert check.ok and check.outstanding == H("1.5") + H("1.5")  # mother 1.5, helper 1.5
    cover = selectors.cover_of(user=users["district"], region_code=elder.region_code)
    assert not cover.covered and cover.ratio == 0
    services.guarantee_deposit(
        actor=users["district"],
        region_code=elder.region_code,
        hours="1",
        money="100",
        hour_value="50",
        token="x",
    )
    services.guarantee_deposit(  # the same form again: once
        actor=users["district"],
        region_code=elder.region_code,
        hours="1",
        money="100",
        hour_value="50",
        token="x",
    )
    cover = selectors.cover_of(user=users["district"], region_code=elder.region_code)
    assert cover.guaranteed == H("3") and cover.covered and cover.ratio == H("1.00")
    with pytest.raises(InvalidInput):
        services.guarantee_deposit(
            actor=users["district"], region_code=elder.region_code, money="100", token="y"
        )


def test_a_cancelled_redemption_gives_the_hours_back(users, make_person):
    elder = elder_with_account(make_person)
    vol = volunteer()
    served(_post(elder.user, elder, "2"), vol, elder.user, "2")
    services.hours_donate(actor=vol.user, hours="2", token="d")
    req = _post(users["community"], elder, "2", pay="pool")
    assert selectors.account_balance(selectors.pool_account(elder.region_code)) == 0
    services.request_cancel(actor=users["community"], help_request=req)
    assert selectors.account_balance(selectors.pool_account(elder.region_code)) == H("2")
    with pytest.raises(InvalidInput):  # a resident cannot pay from the district's pool
        _post(elder.user, elder, "1", pay="pool")
    assert selectors.ledger_check().ok


def test_an_unserved_request_is_seen_city_wide_after_three_days_and_escalated_once_after_seven(
    users, make_person
):
    elder = elder_with_account(make_person)
    local, far = volunteer(), volunteer("far", region_code=COMMUNITY_B, name="远方")
    req = _post(elder.user, elder, days=10)
    assert req in selectors.open_requests_for(local) and req not in selectors.open_requests_for(far)
    HelpRequest.objects.filter(pk=req.pk).update(posted_at=timezone.now() - datetime.timedelta(days=4))
    assert req in selectors.open_requests_for(far)
    assert services.requests_escalate() == 0
    HelpRequest.objects.filter(pk=req.pk).update(posted_at=timezone.now() - datetime.timedelta(days=8))
    assert services.requests_escalate() == 1
    assert services.requests_escalate() == 0
    assert AuditEvent.objects.filter(action="timebank.request_escalate").count() == 1
    services.request_take(actor=far.user, help_request=req)  # served from another district
    assert HelpRequest.objects.get(pk=req.pk).volunteer == far


def test_scope_both_sides(users, make_person, client_for):
    elder = elder_with_account(make_person)
    req = _post(elder.user, elder)
    for outsider in ("street_b", "district_b", "community_b"):
        assert client_for(users[outsider]).get(f"/timebank/requests/{req.pk}/").status_code in (403, 404)
    assert client_for(users["street"]).get(f"/timebank/requests/{req.pk}/").status_code == 200
    assert client_for(elder.user).get(f"/timebank/requests/{req.pk}/").status_code == 200
    stranger = account("stranger")
    assert client_for(stranger).get(f"/timebank/requests/{req.pk}/").status_code in (403, 404)
    far = volunteer("far", region_code=COMMUNITY_B, name="远方")
    assert client_for(far.user).get(f"/timebank/requests/{req.pk}/").status_code in (403, 404)
    assert client_for(far.user).post(f"/timebank/requests/{req.pk}/take/").status_code in (403, 404)
    near = volunteer()
    assert client_for(near.user).post(f"/timebank/requests/{req.pk}/take/").status_code == 302
    listing = client_for(users["street_b"]).get("/timebank/staff/requests/")
    assert listing.status_code == 200 and elder.name not in listing.content.decode()
    listing = client_for(users["street"]).get("/timebank/staff/requests/")
    assert elder.name in listing.content.decode()


def test_the_periodic_task_escalates_once(users, make_person):
    from carecircle.core.tasks import periodic_tasks

    assert "timebank.requests_escalate" in periodic_tasks()
    from carecircle.timebank.tasks import requests_escalate_hourly

    elder = elder_with_account(make_person)
    req = _post(elder.user, elder, days=10)
    HelpRequest.objects.filter(pk=req.pk).update(
        posted_at=timezone.now() - datetime.timedelta(days=7, hours=1)
    )
    assert requests_escalate_hourly() == 1 and requests_escalate_hourly() == 0
