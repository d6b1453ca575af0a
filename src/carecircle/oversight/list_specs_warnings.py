"""The early warnings (预警) on the list component: count, filters, export; scoped by region."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists
from carecircle.oversight.models import EarlyWarning, SubjectKind, WarningLevel, WarningState
from carecircle.oversight.selectors_warnings import warning_rules, warnings_visible
from carecircle.oversight.warnings import signal_lines


def _rules() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in warning_rules().values_list("pk", "name")]


def _signals(w: EarlyWarning) -> str:
    return "；".join(f"{label}：{value}" for label, value in signal_lines(w.subject_kind, w.signals))


WARNINGS = lists.ListSpec(
    name="oversight.warnings",
    title=_("预警"),
    perm="oversight.view",
    rows=lambda user: warnings_visible(user=user),
    file_name="warnings",
    columns=(
        lists.Column(
            "subject",
            _("预警对象"),
            lambda w: w.subject_name,
            sort=("subject_name",),
            link=lambda w: reverse("oversight:warning_detail", args=[w.pk]),
        ),
        lists.Column("rule", _("预警规则"), lambda w: w.rule.name, sort=("rule__name",)),
        lists.Column("level", _("预警等级"), lambda w: w.get_level_display(), sort=("level",)),
        lists.Column("signals", _("触发时的指标"), _signals),
        lists.Column("period", _("期间"), lambda w: w.period, sort=("period",)),
        lists.Column("deadline", _("处理时限"), lambda w: w.deadline, sort=("deadline",)),
        lists.Column("state", _("状态"), lambda w: w.get_state_display(), sort=("state",)),
        lists.Column("region", _("所属社区"), lambda w: w.region_code, sort=("region_code",), region=True),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter("state", _("状态"), WarningState.choices),
        lists.choice_filter("level", _("预警等级"), WarningLevel.choices),
        lists.choice_filter("subject_kind", _("预警对象"), SubjectKind.choices),
        lists.choice_filter("rule", _("预警规则"), _rules, lookup="rule_id"),
        lists.date_filter("deadline", _("处理时限"), "deadline"),
    ),
    default_sort="deadline",
)
