"""The demo's resident accounts (portal/demo.py): `elder` (living alone, a device, allowances, weekly
home services), `family` (two parents), `parent` (an infant with a childcare voucher), printed."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from carecircle.alarms.selectors import persons_with_device
from carecircle.benefits.selectors import entitlements_for
from carecircle.core.datadir import data_home
from carecircle.core.models import User
from carecircle.homecare.models import CarePlan
from carecircle.registry.models import LinkState, Person, PersonStatus
from carecircle.registry.selectors import family_persons


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # --fresh empties the database
def test_the_demo_has_the_three_resident_accounts():
    out = io.StringIO()
    call_command("generate", scale=0.0005, seed=7, fresh=True, stdout=out)
    today = timezone.localdate()
    elder = Person.objects.get(user__username="elder")
    assert PersonStatus.objects.filter(person=elder, kind="living_alone", valid_to__isnull=True).exists()
    assert persons_with_device(person_ids=[elder.pk], day=today) == {elder.pk}
    assert entitlements_for(person=elder, day=today)
    assert CarePlan.objects.filter(person=elder, weekdays="135").exists()  # weekly home services
    family = User.objects.get(username="family")
    assert family_persons(family).count() == 2
    assert not family.family_of.exclude(link_state=LinkState.ACTIVE).exists()
    parent = User.objects.get(username="parent")
    [child] = family_persons(parent)
    assert child.childcare_vouchers.filter(redeemed_at__isnull=True).exists()
    printed = {row[1] for row in json.loads((data_home() / "demo-accounts.json").read_text())}
    assert {"elder", "family", "parent"} <= printed
    assert User.objects.get(username="elder").check_password("CareCircle#2026")
