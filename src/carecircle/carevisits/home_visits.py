"""What a child's page in the registry shows of the care visits (registry/types.py: HomeVisits):
the child's visit plans and recorded visits (Hangzhou 三(二)2: 家庭走访, 定期上门查访)."""

from django.urls import reverse
from django.utils import timezone

from carecircle.carevisits.models import CareVisit, Frequency, PlanStatus, VisitPlan
from carecircle.core import scope
from carecircle.core.types import Actor
from carecircle.registry.models import Person
from carecircle.registry.types import HomeVisits, PlannedVisit, RecordedVisit

SHOWN = 12  # the latest plans and visits (about half a year of a monthly group)


def home_visits(user: Actor, person: Person) -> HomeVisits | None:
    """The person's plans and visits, for a user who may see the care visits of their region."""
    if not scope.has_perm(user, "carevisits.view", person.region_code):
        return None
    may_record = scope.has_perm(user, "carevisits.visit", person.region_code)
    today = timezone.localdate()
    plans = tuple(
        PlannedVisit(
            period_start=p.period_start,
            due=p.period_end,
            frequency=str(Frequency(p.frequency).label),
            reasons=p.reasons,
            status=str(PlanStatus(p.status).label),
            overdue=p.status == PlanStatus.PLANNED and p.period_end < today,
            record_url=reverse("carevisits:visit_new", args=[p.pk])
            if may_record and p.status == PlanStatus.PLANNED and p.period_start <= today
            else "",
        )
        for p in VisitPlan.objects.filter(person=person).order_by("-period_start", "-id")[:SHOWN]
    )
    visits = tuple(
        RecordedVisit(
            visited_at=v.visited_at,
            visitor=v.visitor_name,
            place=v.get_place_display(),
            seen=v.get_seen_display(),
            condition=v.get_condition_display() if v.condition else "",
            notes=v.notes,
            follow_up=v.follow_up,
        )
        for v in CareVisit.objects.filter(person=person).order_by("-visited_at", "-id")[:SHOWN]
    )
    return HomeVisits(plans=plans, visits=visits, worklist_url=reverse("carevisits:worklist"))
