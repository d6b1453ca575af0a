"""The time bank's demo step on a tiny city: volunteers, a year of activity, requests at every
state, guarantees, the `volunteer` account — and the ledger balanced."""

import datetime
import random

from django.utils import timezone

from carecircle.core.demo import DEMO_PASSWORD, City
from carecircle.timebank import selectors
from carecircle.timebank.models import Entry, GuaranteeDeposit, HelpRequest, RequestStatus, Volunteer


class Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def test_demo_fills_the_time_bank(db):
    from carecircle.core.management.commands import generate as gen
    from carecircle.registry import demo as registry_demo
    from carecircle.timebank import demo

    city = City(seed=5, scale=0.0001, today=timezone.localdate(), rng=random.Random(5), out=Quiet())
    gen.build_regions(city)
    gen.build_accounts(city)
    registry_demo.generate(city)
    demo.generate(city)
    assert Volunteer.objects.count() >= 60
    assert {s for s, _l in RequestStatus.choices} <= set(HelpRequest.objects.values_list("status", flat=True))
    assert HelpRequest.objects.filter(escalated_at__isnull=False).exists()
    year_ago = city.today - datetime.timedelta(days=300)
    assert Entry.objects.filter(kind="earn", day__lte=year_ago).exists()
    assert {"gift", "hold", "spend"} <= set(Entry.objects.values_list("kind", flat=True))
    assert GuaranteeDeposit.objects.count() == len(city.districts)
    vol = Volunteer.objects.get(user__username="volunteer")
    assert vol.user.check_password(DEMO_PASSWORD) and selectors.volunteer_balance(vol) == 12
    assert ("志愿者（时间银行）", "volunteer") == city.accounts[-1][:2]
    assert selectors.open_requests_for(vol)
    assert selectors.ledger_check().ok
