"""Nightly snapshots of every indicator for every region, so that trends can be drawn."""

import datetime

from celery.schedules import crontab
from django.utils import timezone

from carecircle.core import regions
from carecircle.core.models import Region
from carecircle.core.tasks import periodic
from carecircle.planning.services import snapshot_take


@periodic(crontab(hour=2, minute=30))
def snapshot_nightly(due: datetime.datetime | None = None):
    day = timezone.localdate(due or timezone.now())  # the night the slot belongs to (a caught-up run too)
    for code in Region.objects.filter(level=regions.CITY).values_list("code", flat=True):
        snapshot_take(actor=None, day=day, region_code=code)
