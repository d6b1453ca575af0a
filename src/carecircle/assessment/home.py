"""The assessment module's card on the staff home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carecircle.assessment import capability, selectors
from carecircle.core import scope


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "assessment.view"):
        return []
    counts = selectors.level_counts(user=user)
    figures = [(str(name), counts.get(i, 0)) for i, name in enumerate(capability.LEVEL_NAMES)]
    pending = selectors.referral_list(user=user, include_referred=False).count()
    figures.append((_("待转介儿童"), pending))
    return [
        {
            "title": _("能力评估（有效）"),
            "figures": figures,
            "urgent": pending > 0,
            "link": (_("查看评估"), reverse("assessment:list")),
        }
    ]
