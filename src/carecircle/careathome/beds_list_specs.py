"""Staff lists of family care beds on the list component (core/lists.py): count, filters, Excel
export, names never codes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from carecircle.careathome import beds_selectors
from carecircle.careathome.models.beds import BedStatus
from carecircle.core import lists

BEDS = lists.ListSpec(
    name="careathome.family_beds",
    title=gettext_lazy("家庭养老床位"),
    perm="careathome.homes_view",
    rows=lambda user: beds_selectors.beds(user=user),
    file_name="family-beds",
    default_sort="-starts",
    columns=(
        lists.Column(
            "person",
            gettext_lazy("姓名"),
            lambda b: b.person.name,
            sort=("person__name",),
            link=lambda b: reverse("careathome:bed_detail", args=[b.pk]),
        ),
        lists.Column("region", gettext_lazy("社区"), lambda b: b.region_name),
        lists.Column("provider", gettext_lazy("服务机构"), lambda b: b.provider.name),
        lists.Column(
            "facility", gettext_lazy("所属养老机构"), lambda b: b.facility.name if b.facility else ""
        ),
        lists.Column("status", gettext_lazy("状态"), lambda b: b.get_status_display(), sort=("status",)),
        lists.Column("tier", gettext_lazy("补贴档位"), lambda b: b.tier),
        lists.Column("subsidy", gettext_lazy("月补贴"), lambda b: b.monthly_subsidy, money=True),
        lists.Column("every", gettext_lazy("上门频次（天/次）"), lambda b: b.visit_every_days),
        lists.Column("missed", gettext_lazy("漏访预警"), lambda b: b.missed, sort=("missed",)),
        lists.Column("starts", gettext_lazy("开始日期"), lambda b: b.starts_on, sort=("starts_on", "id")),
    ),
    filters=(
        lists.text_filter("q", gettext_lazy("姓名或身份证号"), lists.person_text("person")),
        lists.choice_filter("status", gettext_lazy("状态"), BedStatus.choices),
        lists.region_filter(),
        lists.date_filter("starts", gettext_lazy("开始日期"), "starts_on"),
    ),
)
