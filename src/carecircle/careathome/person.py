"""What care at home offers on a person's page: the LTC level and an application for it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.careathome import selectors
from carecircle.careathome.ltc_reference import LEVEL_NAMES
from carecircle.core import scope
from carecircle.core.types import Actor
from carecircle.registry.models import Person


def links(user: Actor, person: Person) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if not scope.has_perm(user, "ltc.view", person.region_code):
        return out
    current = selectors.ltc_current(person.pk)
    if current is not None and current.level is not None:
        out.append(
            (
                _("长期护理失能等级：%(lv)s（至%(d)s）")
                % {"lv": LEVEL_NAMES[current.level], "d": current.valid_until},
                reverse("careathome:ltc_detail", args=[current.pk]),
            )
        )
    if scope.has_perm(user, "ltc.apply", person.region_code):
        out.append((_("申请长期护理失能等级评估"), reverse("careathome:ltc_apply", args=[person.pk])))
    return out
