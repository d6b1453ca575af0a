"""The registry's staff lists, declared for the list component (core/lists.py)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecircle.core import lists
from carecircle.core.types import Actor
from carecircle.core.vault import blind_index, shown_birth
from carecircle.registry import selectors
from carecircle.registry.models import Person, StatusKind

AGE_BANDS = (
    ("elder", _("老年人(60+)")),
    ("senior80", _("高龄(80+)")),
    ("centenarian", _("百岁老人")),
    ("infant", _("婴幼儿(0-3岁)")),
)


def _people(user: Actor) -> QuerySet[Person]:
    return selectors.person_search(user=user)


def _text(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    """A name (or part of one), or a whole ID number (through the blind index: a part of a number
    would tell the hidden digits one query at a time, core/vault.py)."""
    if len(text) == 18 and text[:17].isdigit():
        return qs.filter(id_hash=blind_index(text.upper()))
    if text.isdigit():
        return qs.none()
    return qs.filter(name__contains=text)


PEOPLE = lists.ListSpec(
    name="registry.people",
    title=_("人员信息"),
    perm="registry.view",
    export_perm="registry.export",
    rows=_people,
    file_name="people",
    columns=(
        lists.Column(
            "name",
            _("姓名"),
            lambda p: p.name,
            sort=("name",),
            link=lambda p: reverse("registry:person_detail", args=[p.pk]),
        ),
        lists.Column("sex", _("性别"), lambda p: p.get_sex_display(), sort=("sex",)),
        lists.Column(
            "age",
            _("年龄"),
            lambda p: selectors.shown_person_age(p, timezone.localdate()),
            sort=("-birth_date",),
        ),
        lists.Column(
            "birth", _("出生年月"), lambda p: shown_birth(p.birth_date), clear=lambda p: p.birth_date
        ),
        lists.Column("id_number", _("身份证号"), lambda p: p.id_masked, clear=lambda p: p.id_number),
        lists.Column("phone", _("联系电话"), lambda p: p.phone_masked, clear=lambda p: p.phone),
        lists.Column("address", _("居住地址"), lambda p: p.address_masked, clear=lambda p: p.address),
        lists.Column(
            "region", _("所属社区"), lambda p: p.region_code, sort=("region_code", "name"), region=True
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter(
            "status",
            _("人员状况"),
            StatusKind.choices,
            apply=lambda qs, v: qs.filter(selectors.status_on(v, timezone.localdate())),
        ),
        lists.choice_filter(
            "group",
            _("年龄段"),
            AGE_BANDS,
            apply=lambda qs, v: qs.filter(selectors.birth_date_bounds(v, timezone.localdate())),
        ),
        lists.text_filter("q", _("搜索"), _text, placeholder=_("姓名或完整身份证号")),
    ),
    default_sort="region",
)
