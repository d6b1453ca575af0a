import datetime

from django.utils import timezone


def assessment_id(ctx):
    from carecircle.assessment.services import assessment_record
    from tests.assessment.test_capability import FULL

    # a person of its own: one assessment a day per person, and the walk calls this once per route
    return assessment_record(
        actor=ctx.users["admin"], person=ctx.make_person(), assessed_on=timezone.localdate(), answers=FULL
    ).pk


def check_id(ctx):
    from carecircle.assessment.services import child_check_record

    today = timezone.localdate()  # the app's date (Beijing), not the host's
    child = ctx.make_person(birth=today - datetime.timedelta(days=300))
    return child_check_record(
        actor=ctx.users["admin"],
        person=child,
        kind="hearing",
        checked_on=today,
        data={"left": "refer", "right": "pass", "method": "OAE"},
    ).pk


FACTORIES = {"assessment_id": assessment_id, "check_id": check_id}


def assessment_request_id(ctx):
    """A request for an assessment, made online by a family account for an older person of region A
    (a new person each call: one open request per person)."""
    from carecircle.assessment.services import assessment_request_submit
    from carecircle.core.models import User
    from carecircle.registry.models import FamilyContact

    person = ctx.make_person(age=81)
    family = User.objects.create_user(username=f"walk-request-{person.pk}", display_name="走查家属")
    FamilyContact.objects.create(
        person=person,
        region_code=person.region_code,
        name="走查家属",
        relation="女儿",
        user=family,
        link_state="active",
    )
    return assessment_request_submit(actor=family, person=person).pk


FACTORIES["assessment_request_id"] = assessment_request_id
