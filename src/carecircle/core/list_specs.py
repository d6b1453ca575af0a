"""The core's staff lists (core/lists.py): the audit log."""

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecircle.core import lists, selectors
from carecircle.core.audit_actions import AuditAction
from carecircle.core.models import AuditEvent, User
from carecircle.core.types import Actor


def _events(user: Actor) -> QuerySet[AuditEvent]:
    return selectors.audit_search(user=user).select_related("user")


def _actor(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    """The account's login name or the person's name (part of either)."""
    return qs.filter(Q(username__icontains=text) | Q(user__display_name__icontains=text))


def _named(obj: Any) -> str:
    if isinstance(obj, User):
        return obj.display_name or obj.username
    return str(obj)


def subject(event: AuditEvent, found: dict[tuple[str, str], str]) -> str:
    """What an audit row is about, in words: "人员 张三", "导出名单：人员信息（26 条）"."""
    if event.action == AuditAction.LIST_EXPORT:
        detail = event.detail or {}
        said = _("导出名单：%(t)s（%(n)s 条）") % {
            "t": detail.get("list_title", ""),
            "n": detail.get("rows", 0),
        }
        shown = detail.get("filter") or {}
        if isinstance(shown, dict) and shown:
            said += _("，条件：") + "；".join(f"{k} {v}" for k, v in shown.items())
        if detail.get("unmasked"):
            said += _("，含个人信息明文")
        return said
    if not event.object_type:
        return ""
    name = found.get((event.object_type, event.object_id))
    if name is not None:
        return f"{event.object_label} {name}"
    if event.object_id:
        return _("%(k)s（编号 %(i)s，已不存在或无名称）") % {"k": event.object_label, "i": event.object_id}
    return event.object_label


def _prepare(rows: list[Any]) -> None:
    """Name the objects of a page of audit rows: one query per kind of object."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in rows:
        if e.object_type and e.object_id:
            wanted[e.object_type].add(e.object_id)
    found: dict[tuple[str, str], str] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        pks = (
            [i for i in ids if i.isdigit()]
            if model._meta.pk.get_internal_type().endswith("AutoField")
            else ids
        )
        for obj in model._default_manager.filter(pk__in=list(pks)):
            found[(label, str(obj.pk))] = _named(obj)
    for e in rows:
        e.subject = subject(e, found)


AUDIT = lists.ListSpec(
    name="core.audit",
    title=gettext_lazy("审计日志"),
    perm="audit.view",
    rows=_events,
    file_name="audit",
    page_size=50,
    prepare=_prepare,
    columns=(
        lists.Column(
            "at",
            gettext_lazy("时间"),
            lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            sort=("at",),
        ),
        lists.Column(
            "actor",
            gettext_lazy("操作人"),
            lambda e: (e.user.display_name or e.username) if e.user else _("系统"),
            sort=("username",),
        ),
        lists.Column("action", gettext_lazy("操作"), lambda e: e.action_label, sort=("action",)),
        lists.Column("subject", gettext_lazy("对象"), lambda e: e.subject),
        lists.Column(
            "region", gettext_lazy("区划"), lambda e: e.region_code, sort=("region_code",), region=True
        ),
        lists.Column("purpose", gettext_lazy("事由"), lambda e: e.purpose),
        lists.Column("ip", gettext_lazy("IP地址"), lambda e: e.ip or ""),
    ),
    filters=(
        lists.text_filter("actor", gettext_lazy("操作人"), _actor, placeholder=gettext_lazy("姓名或账号")),
        lists.choice_filter("action", gettext_lazy("操作"), AuditAction.choices),
        lists.date_filter("at", gettext_lazy("日期"), "at__date"),
        lists.region_filter(),
    ),
    default_sort="-at",
)
