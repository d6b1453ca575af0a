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
