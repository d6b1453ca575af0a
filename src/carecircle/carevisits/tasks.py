"""Monthly plan generation: on the first of each month, every region's plans for the month."""

from celery.schedules import crontab
from django.utils import timezone

from carecircle.core.tasks import periodic


@periodic(crontab(day_of_month="1", hour="1", minute="10"))
def generate_month_plans():
    from carecircle.carevisits import plans
    from carecircle.core import audit

    today = timezone.localdate()
    result = plans.generate("", today.year, today.month)
    audit.record(actor=None, action="carevisits.plans_generate", object_type="carevisits.visitplan",
                 object_id=f"all:{today.year}-{today.month:02d}", system="scheduler",
                 people=result.people, created=result.created)
