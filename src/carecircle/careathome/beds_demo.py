"""The demo city's family care beds (called from careathome/demo.py: `beds_demo.generate(city)`):
eligible people found by the rule compiled to SQL, beds signed with a provider serving their
community, the four monitoring devices registered with the alarms module, and the missed-visit
check run once (beds started a month ago have had no verified visit yet: their warnings show)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from carecircle.careathome import beds_reference, beds_selectors, beds_services
from carecircle.careathome.models.beds import FamilyBed
from carecircle.core import regions
from carecircle.core.demo import City
from carecircle.registry.models import Person

BEDS = 12
NOTES = ["卧室需加装床边护栏，夜间如厕需陪护", "独居，需离床监测与一键呼叫", "厨房老旧，需烟感报警"]


def generate(city: City) -> None:
    from carecircle.homecare import selectors as homecare  # noqa: PLC0415 — the other module's reads

    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None or FamilyBed.objects.exists():
        return
    today = timezone.localdate()
    item = next((i for c in homecare.catalogue() for i in c.active_items if i.code == "clean.home"), None)  # type: ignore[attr-defined]
    if item is None:
        return
    with transaction.atomic():
        beds_reference.ensure_programme(region_code=city.city.code)
        # a bed starts 30 or 3 days back and is judged on its first day: eligible on both and now
        prefix = regions.prefix_of(city.city.code)
        earliest = today - datetime.timedelta(days=30)
        found = set(beds_selectors.eligible_persons(region_prefix=prefix, day=today))
        for start in (earliest, today - datetime.timedelta(days=3)):
            found &= set(beds_selectors.eligible_persons(region_prefix=prefix, day=start))
        made = devices = 0
        for person in Person.objects.filter(pk__in=sorted(found)[: BEDS * 3]).order_by("pk"):
            if made >= BEDS:
                break
            providers = homecare.providers_for(person.region_code, item, today)
            if not providers:
                continue
            bed = beds_services.bed_contract(
                actor=admin,
                person=person,
                provider=providers[0][0],
                visit_every_days=beds_reference.VISIT_EVERY[made % 2][0],
                assessment_note=NOTES[made % len(NOTES)],
                starts_on=earliest if made % 3 == 0 else today - datetime.timedelta(days=3),
            )
            for kind in beds_reference.DEVICE_KINDS:
                beds_services.bed_device_add(
                    actor=admin, bed=bed, kind=kind, serial=f"FB{bed.pk:05d}-{kind}", location="居家"
                )
                devices += 1
            made += 1
        warnings = beds_services.missed_visits_check(today=today)
    city.say(f"家庭养老床位 {made} 张，监测设备 {devices} 台，漏访预警 {warnings} 条")
