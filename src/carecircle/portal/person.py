"""What the portal offers on a person's page (registry): the person's own account and the family
accounts linked to them, for staff of the person's community."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.core.types import Actor
from carecircle.registry.models import Person


def links(user: Actor, person: Person) -> list[tuple[str, str]]:
    if not scope.has_perm(user, "registry.view", person.region_code):
        return []
    return [(_("居民账号与家属关联"), reverse("portal:person_accounts", kwargs={"person_id": person.pk}))]
