import datetime


def assessment_id(ctx):
    from carecircle.assessment.services import assessment_record
    from tests.assessment.test_capability import FULL

    # a person of its own: one assessment a day per person, and the walk calls this once per route
    return assessment_record(actor=ctx.users["admin"], person=ctx.make_person(), assessed_on=datetime.date.today(),
                             answers=FULL).pk


def check_id(ctx):
    from carecircle.assessment.services import child_check_record

    today = datetime.date.today()
    child = ctx.make_person(birth=today - datetime.timedelta(days=300))
    return child_check_record(actor=ctx.users["admin"], person=child, kind="hearing", checked_on=today,
                              data={"left": "refer", "right": "pass", "method": "OAE"}).pk


FACTORIES = {"assessment_id": assessment_id, "check_id": check_id}
