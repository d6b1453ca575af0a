"""Family care beds (家庭养老床位) through the services: the contract, its devices registered with the
alarms module, the home-bed counts, and every bad input refused with nothing half-saved (issue 22
item 3; Hechuan 二(七), Jiaxing 二(二)5, Hangzhou 三(一)3)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carecircle.alarms.models import Device
from carecircle.careathome import beds_selectors, beds_services
from carecircle.careathome.models.beds import BedDevice, BedStatus, FamilyBed, MissedVisit
from carecircle.core.errors import Conflict, InvalidInput, NotFound
from tests.careathome.beds_helpers import disabled_person, hold, provider, setup, verified_order
from tests.conftest import COMMUNITY_A, COMMUNITY_B

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def prov(users):
    setup()
    return provider(users)


def _sign(users, person, prov, every=7, **kw):
    return beds_services.bed_contract(
        actor=users["community"],
        person=person,
        provider=prov,
        visit_every_days=every,
        assessment_note="卧室需加装床边护栏，夜间如厕需陪护",
        **kw,
    )


def test_an_eligible_person_gets_a_bed_with_the_monthly_subsidy_of_the_rule(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    bed = _sign(users, person, prov)
    assert bed.status == BedStatus.ACTIVE and bed.monthly_subsidy == Decimal("600.00")
    assert bed.tier.startswith("失能")
    # the whole city's eligible persons, the rule compiled to SQL, agree with the one-person answer
    hardship_only = make_person(region_code=COMMUNITY_A, age=70)
    hold(hardship_only, "dibao")  # 低保 without an assessed disability: not admitted
    found = beds_selectors.eligible_persons(region_prefix="3399", day=timezone.localdate())
    assert found.get(person.pk) == Decimal("600.00") and hardship_only.pk not in found
    assert beds_selectors.home_bed_counts(["339901"], timezone.localdate()) == {"339901": 1}
    assert beds_selectors.home_beds_by_provider([prov.pk], timezone.localdate()) == {prov.pk: 1}


def test_a_second_family_bed_for_the_same_person_is_refused(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    _sign(users, person, prov)
    with pytest.raises(Conflict) as exc:
        _sign(users, person, prov, every=14)
    assert "已有服务中的家庭养老床位" in str(exc.value.message) and exc.value.field == "person"
    assert FamilyBed.objects.filter(person=person).count() == 1


def test_the_database_refuses_a_second_active_bed_too(users, make_person, prov):
    from django.db import IntegrityError, transaction

    person = disabled_person(make_person, COMMUNITY_A)
    bed = _sign(users, person, prov)
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyBed.objects.create(
            person=person,
            region_code=person.region_code,
            provider=prov,
            tier="x",
            monthly_subsidy=0,
            assessment_note="x",
            visit_every_days=7,
            starts_on=bed.starts_on,
        )
    # once ended, a new bed may be signed
    beds_services.bed_end(actor=users["community"], bed=bed, reason="入住养老机构")
    assert _sign(users, person, prov).pk != bed.pk


def test_an_ineligible_person_is_refused_with_the_rule(users, make_person, prov):
    person = make_person(region_code=COMMUNITY_A, age=70)  # no disability, no hardship
    with pytest.raises(InvalidInput) as exc:
        _sign(users, person, prov)
    assert "不符合家庭养老床位条件" in str(exc.value.message) and exc.value.field == "person"
    assert not FamilyBed.objects.exists()


def test_bad_schedule_no_assessment_and_a_provider_not_serving_are_refused(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    with pytest.raises(InvalidInput) as exc:
        _sign(users, person, prov, every=3)
    assert exc.value.field == "visit_every_days"
    with pytest.raises(InvalidInput) as exc:
        beds_services.bed_contract(
            actor=users["community"], person=person, provider=prov, visit_every_days=7, assessment_note=" "
        )
    assert exc.value.field == "assessment_note"
    far = disabled_person(make_person, COMMUNITY_B)
    with pytest.raises(InvalidInput) as exc:
        beds_services.bed_contract(
            actor=users["community_b"], person=far, provider=prov, visit_every_days=7, assessment_note="评估"
        )
    assert exc.value.field == "provider" and "不在该老人所在社区提供服务" in str(exc.value.message)
    assert not FamilyBed.objects.exists()


def test_an_outsider_cannot_sign_or_read_a_bed(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    with pytest.raises(NotFound):
        beds_services.bed_contract(
            actor=users["community_b"],
            person=person,
            provider=prov,
            visit_every_days=7,
            assessment_note="评估",
        )
    bed = _sign(users, person, prov)
    with pytest.raises(NotFound):
        beds_selectors.bed_get(user=users["district_b"], family_bed_id=bed.pk)
    assert beds_selectors.bed_get(user=users["district"], family_bed_id=bed.pk) == bed
    assert not beds_selectors.beds(user=users["district_b"]).exists()
    # the provider's side: its admin reads its beds
    from carecircle.core.models import RoleGrant

    RoleGrant.objects.filter(user=users["provider"]).update(
        organisation_kind="homecare_provider", organisation_id=prov.pk
    )
    assert list(beds_selectors.beds(user=users["provider"])) == [bed]
    assert beds_selectors.bed_get(user=users["provider"], family_bed_id=bed.pk) == bed


def test_devices_are_registered_with_the_alarms_module(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    bed = _sign(users, person, prov)
    for kind, serial in (("door", "DM-001"), ("bed", "BD-001"), ("sos", "SOS-001"), ("smoke", "SM-001")):
        beds_services.bed_device_add(actor=users["district"], bed=bed, kind=kind, serial=serial)
    devices = Device.objects.filter(person=person)
    assert sorted(devices.values_list("kind", flat=True)) == ["bed", "door", "smoke", "sos"]
    assert BedDevice.objects.filter(bed=bed).count() == 4
    # an alarm from the bed's SOS button opens an incident as any device's alarm does
    from carecircle.alarms.services import alarm_receive

    sos = devices.get(kind="sos")
    now = timezone.now()
    alarm_receive(device=sos, event_id="e1", kind="sos", device_time=now, now=now, wake=False)
    from carecircle.alarms import delivery  # the call centre's outbox worker, run here in the test
    from carecircle.alarms.models import Incident

    delivery.deliver_pending(now=now)

    assert Incident.objects.filter(person=person).count() == 1


def test_an_unknown_device_kind_is_refused_and_nothing_is_registered(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    bed = _sign(users, person, prov)
    with pytest.raises(InvalidInput) as exc:
        beds_services.bed_device_add(actor=users["district"], bed=bed, kind="toaster", serial="T-1")
    assert "未知的设备类型" in str(exc.value.message) and exc.value.field == "kind"
    with pytest.raises(InvalidInput):  # a kind alarms knows but a family bed does not carry
        beds_services.bed_device_add(actor=users["district"], bed=bed, kind="gas", serial="G-1")
    assert not Device.objects.filter(person=person).exists() and not BedDevice.objects.exists()


def test_a_missed_visit_raises_one_warning_exactly_once(users, make_person, prov):
    person = disabled_person(make_person, COMMUNITY_A)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=21)
    bed = _sign(users, person, prov, starts_on=start)
    verified_order(bed, start + datetime.timedelta(days=2))  # week 1 visited
    verified_order(bed, start + datetime.timedelta(days=16))  # week 3 visited; week 2 missed
    assert beds_services.missed_visits_check(today=today) == 1
    warning = MissedVisit.objects.get()
    assert warning.bed == bed and warning.due_on == start + datetime.timedelta(days=7)
    assert warning.period_end == start + datetime.timedelta(days=13)
    assert beds_services.missed_visits_check(today=today) == 0  # not raised again
    assert MissedVisit.objects.count() == 1
    # an order not verified (still open) does not count as a visit
    from carecircle.homecare.models import Order

    o = verified_order(bed, start + datetime.timedelta(days=22), n=1)
    Order.objects.filter(pk=o.pk).update(status="accepted")
    assert beds_services.missed_visits_check(today=today + datetime.timedelta(days=7)) == 1
    assert MissedVisit.objects.count() == 2
