"""Plan generation for the current month, for every region. It runs every six hours: generation is
idempotent (unique person + period), so the first run of a month creates the month's plans and later
runs create nothing, and a missed run at the turn of the month is caught up within hours."""

from datetime import timedelta

from django.utils import timezone

from carecircle.carevisits import plans
from carecircle.core import audit
from carecircle.core.audit_actions import AuditAction
from carecircle.core.tasks import periodic


@periodic(timedelta(hours=6))
def generate_month_plans():
    today = timezone.localdate()
    result = plans.generate("", today.year, today.month)
    if result.created:
        audit.record(
            actor=None,
            action=AuditAction.CAREVISITS_PLANS_GENERATE,
            object_type="carevisits.visitplan",
            object_id=f"all:{today.year}-{today.month:02d}",
            system="scheduler",
            people=result.people,
            created=result.created,
        )
