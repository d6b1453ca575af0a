"""The portal's staff lists, declared for the list component (core/lists.py): the message
deliveries that failed (waiting for a retry, or given up), by region."""

from django.utils.translation import gettext_lazy

from carecircle.core import lists
from carecircle.core.vault import mask_phone
from carecircle.portal import selectors_messages
from carecircle.portal.types import Channel, DeliveryState, MessageKind

DELIVERY_FAILURES = lists.ListSpec(
    name="portal.delivery_failures",
    title=gettext_lazy("消息发送失败"),
    perm="portal.deliveries",
    export_perm="portal.deliveries_export",
    rows=lambda user: selectors_messages.delivery_failures(user),
    file_name="message-failures",
    columns=(
        lists.Column(
            "updated",
            gettext_lazy("最近尝试"),
            lambda d: lists.local_time(d.updated_at),
            sort=("updated_at",),
        ),
        lists.Column(
            "kind", gettext_lazy("消息类型"), lambda d: d.message.get_kind_display(), sort=("message__kind",)
        ),
        lists.Column("title", gettext_lazy("标题"), lambda d: d.message.title),
        lists.Column("channel", gettext_lazy("渠道"), lambda d: d.get_channel_display()),
        lists.Column(
            "phone",
            gettext_lazy("手机号"),
            lambda d: mask_phone(d.message.phone),
            clear=lambda d: d.message.phone,
        ),
        lists.Column(
            "region", gettext_lazy("所属社区"), lambda d: d.region_code, sort=("region_code",), region=True
        ),
        lists.Column("state", gettext_lazy("状态"), lambda d: d.get_state_display(), sort=("state",)),
        lists.Column("attempts", gettext_lazy("尝试次数"), lambda d: d.attempts, sort=("attempts",)),
        lists.Column("error", gettext_lazy("最近错误"), lambda d: d.last_error),
        lists.Column(
            "next",
            gettext_lazy("下次尝试"),
            lambda d: lists.local_time(d.next_attempt_at) if d.state == DeliveryState.FAILED else "",
        ),
    ),
    filters=(
        lists.region_filter(),
        lists.choice_filter(
            "state",
            gettext_lazy("状态"),
            [
                (DeliveryState.FAILED.value, DeliveryState.FAILED.label),
                (DeliveryState.DEAD.value, DeliveryState.DEAD.label),
            ],
        ),
        lists.choice_filter("kind", gettext_lazy("消息类型"), MessageKind.choices, lookup="message__kind"),
        lists.choice_filter(
            "channel", gettext_lazy("渠道"), [c for c in Channel.choices if c[0] != Channel.INBOX]
        ),
        lists.date_filter("day", gettext_lazy("最近尝试日期"), "updated_at__date"),
    ),
    default_sort="-updated",
)
