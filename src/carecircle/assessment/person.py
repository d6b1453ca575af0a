"""What the person page shows of assessment: the current capability level, and the forms."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.assessment import capability, selectors
from carecircle.core import scope
from carecircle.registry.selectors import person_age


def links(user, person) -> list[tuple[str, str]]:
    if not scope.has_perm(user, "assessment.view", person.region_code):
        return []
    out = []
    age = person_age(person)
    if age >= 60:
        level = selectors.current_level(person)
        label = (
            _("能力等级：%(l)s") % {"l": capability.LEVEL_NAMES[level]}
            if level is not None
            else _("能力等级：未评估或已过期")
        )
        if scope.has_perm(user, "assessment.record", person.region_code):
            out.append((label + " · " + _("新增评估"), reverse("assessment:new", args=[person.pk])))
        else:
            out.append((label, ""))
    elif age < 3 and scope.has_perm(user, "assessment.record", person.region_code):
        out.append(
            (_("儿童健康检查（M-CHAT、听力、视力、生长）"), reverse("assessment:check_new", args=[person.pk]))
        )
    return out
