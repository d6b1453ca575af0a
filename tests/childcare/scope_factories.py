"""Objects in region A (东湖区) for the project scope walk."""

import datetime

from django.utils import timezone

from carecircle.childcare import services
from tests.facilities.scope_factories import make_filing


def make_class(ctx):
    facility = make_filing(ctx, kind="childcare_centre").facility
    return services.class_create(
        actor=ctx.users["admin"], facility=facility, name="范围测试班", band="big", capacity=10, caregivers=2
    )


def make_enrolment(ctx):
    cls = make_class(ctx)
    today = timezone.localdate()  # the app's date (Beijing), not the host's
    child = ctx.make_person(birth=today - datetime.timedelta(days=30 * 28))
    return services.enrol(actor=ctx.users["admin"], child_class=cls, child=child, start_on=today)


FACTORIES = {
    "class_id": lambda ctx: make_class(ctx).pk,
    "enrolment_id": lambda ctx: make_enrolment(ctx).pk,
}
