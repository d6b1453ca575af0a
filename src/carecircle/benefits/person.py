from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.core import scope


def links(user, person) -> list[tuple[str, str]]:
    if not scope.has_perm(user, "benefits.view", person.region_code):
        return []
    return [(_("津贴补贴：享受的项目与原因"), reverse("benefits:person", args=[person.pk]))]
