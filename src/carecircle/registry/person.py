"""What a person's page shows of the register of children in difficulty: for a child on it, the
link to the child's page (guardianship assessments and home visits, Hangzhou 三(二)2)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.core.types import Actor
from carecircle.registry.children import GROUP
from carecircle.registry.models import Person
from carecircle.registry.selectors import population_q


def links(user: Actor, person: Person) -> list[tuple[str, str]]:
    if not scope.has_perm(user, "registry.view", person.region_code):
        return []
    if not Person.objects.filter(pk=person.pk).filter(population_q(GROUP, timezone.localdate())).exists():
        return []
    return [
        (
            _("困境儿童台账：监护评估与上门查访"),
            reverse("registry:child_detail", kwargs={"child_id": person.pk}),
        )
    ]
