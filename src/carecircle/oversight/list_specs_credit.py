"""The credit correction requests (信用修复申请) on the list component: count, filters, export."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists, scope
from carecircle.core.types import Actor
from carecircle.oversight import selectors
from carecircle.oversight.models import CorrectionAction, CorrectionState
from carecircle.oversight.selectors_credit import corrections_visible


def _may_see(user: Actor) -> bool:
    return scope.has_perm(user, "oversight.view") or selectors.own_units_q(user) is not None


CORRECTIONS = lists.ListSpec(
    name="oversight.credit_corrections",
    title=_("信用修复申请"),
    perm="oversight.findings",
    access=_may_see,
    rows=lambda user: corrections_visible(user=user),
    file_name="credit-corrections",
    columns=(
        lists.Column(
            "unit",
            _("监管对象"),
            lambda c: c.unit.name,
            sort=("unit__name",),
            link=lambda c: reverse("oversight:credit_correction", args=[c.pk]),
        ),
        lists.Column("event", _("信用记录"), lambda c: c.event.text),
        lists.Column("action", _("申请事项"), lambda c: c.get_action_display(), sort=("action",)),
        lists.Column("state", _("状态"), lambda c: c.get_state_display(), sort=("state",)),
        lists.Column("requested_at", _("申请时间"), lambda c: c.requested_at, sort=("requested_at",)),
        lists.Column(
            "requested_by",
            _("申请人"),
            lambda c: c.requested_by.display_name or c.requested_by.username,
        ),
        lists.Column("region", _("所属社区"), lambda c: c.region_code, sort=("region_code",), region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", _("状态"), CorrectionState.choices),
        lists.choice_filter("action", _("申请事项"), CorrectionAction.choices),
    ),
    default_sort="-requested_at",
)
