"""The registry's cards on the staff home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import scope
from carecircle.registry import selectors
from carecircle.registry.models import ImportJob, StatusKind


def cards(user) -> list[dict]:
    if not scope.has_perm(user, "registry.view"):
        return []
    today = timezone.localdate()
    people = selectors.person_search(user=user)
    url = reverse("registry:person_list")
    figures = [
        (_("老年人"), people.filter(selectors.birth_date_bounds("elder", today)).count()),
        (_("其中高龄(80+)"), people.filter(selectors.birth_date_bounds("senior80", today)).count()),
        (_("百岁老人"), people.filter(selectors.birth_date_bounds("centenarian", today)).count()),
        (_("婴幼儿(0-3岁)"), people.filter(selectors.birth_date_bounds("infant", today)).count()),
    ]
    vulnerable = [
        (str(StatusKind(k).label), people.filter(selectors.status_on(k, today)).count())
        for k in (StatusKind.TEKUN, StatusKind.DIBAO, StatusKind.LIVING_ALONE, StatusKind.SHIDU)
    ]
    out: list[dict] = [
        {
            "title": _("辖区人员"),
            "figures": figures,
            "link": (_("查找人员"), url),
            "leads": {"street_worker"},  # the street keeps the register of its communities
        },
        {"title": _("重点关注"), "figures": vulnerable, "link": (_("按状况筛选"), url)},
    ]
    jobs = ImportJob.objects.filter(created_by=user)[:3]
    if jobs:
        out.append(
            {
                "title": _("最近导入"),
                "entries": [
                    (
                        f"{j.file_name} · {j.get_state_display()} · {_('拒绝')} {j.rejected_count}",
                        reverse("registry:import_detail", args=[j.pk]),
                    )
                    for j in jobs
                ],
            }
        )
    return out
