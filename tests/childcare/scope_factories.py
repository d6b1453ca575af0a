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


def make_application(ctx):
    """A parent's 托位 application for an infant of region A at a childcare centre of region A."""
    from carecircle.core.models import User
    from carecircle.facilities.models import Facility
    from carecircle.registry.models import FamilyContact

    facility = Facility.objects.get(pk=make_filing(ctx, kind="childcare_centre").facility_id)  # as filed
    today = timezone.localdate()
    child = ctx.make_person(birth=today - datetime.timedelta(days=30 * 8))
    parent = User.objects.create_user(username=f"walk-parent-{child.pk}", display_name="走查家长")
    FamilyContact.objects.create(
        person=child,
        region_code=child.region_code,
        name="走查家长",
        relation="母亲",
        user=parent,
        link_state="active",
    )
    (application,) = services.application_submit(
        actor=parent, child=child, facilities=[facility], start_wanted=today + datetime.timedelta(days=7)
    )
    return application


FACTORIES["childcare_application_id"] = lambda ctx: make_application(ctx).pk
