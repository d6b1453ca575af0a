"""The scope walk's factories for the LTC plan and settlement pages (region A)."""

import datetime


def _plan(ctx):
    from django.utils import timezone

    from carecircle.careathome.models.ltc import LtcAssessment, LtcCarePlan, LtcStatus
    from carecircle.homecare.catalogue import catalogue_sync
    from carecircle.homecare.models import ServiceCategory, ServiceItem
    from tests.homecare.scope_factories import _provider

    catalogue_sync(ServiceCategory, ServiceItem)
    today = timezone.localdate()
    person = ctx.make_person()
    a = LtcAssessment.objects.create(
        person=person,
        region_code=person.region_code,
        status=LtcStatus.DELIVERED,
        applicant_kind="worker",
        applicant_name="社区代办",
        applied_on=today,
        level=3,
        delivered_on=today,
        valid_until=today + datetime.timedelta(days=365),
    )
    return LtcCarePlan.objects.create(
        assessment=a,
        person=person,
        region_code=person.region_code,
        provider=_provider(ctx),
        item=ServiceItem.objects.get(code="clean.home"),
        weekdays="135",
        start_time=datetime.time(9, 0),
        valid_from=today,
        valid_to=today + datetime.timedelta(days=30),
    )


def ltc_plan_id(ctx):
    return _plan(ctx).pk


def ltc_settlement_id(ctx):
    from carecircle.careathome.models.ltc import LtcSettlement
    from tests.homecare.scope_factories import _provider

    provider = _provider(ctx)
    return LtcSettlement.objects.create(
        provider=provider, month=datetime.date(2026, 1, 1), region_code=provider.region_code
    ).pk


FACTORIES = {"ltc_plan_id": ltc_plan_id, "ltc_settlement_id": ltc_settlement_id}
