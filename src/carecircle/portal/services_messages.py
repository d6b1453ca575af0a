"""Writes of the outbox: queue a message (one, or a month's worth at once), mark it read, and a
resident's choice of what they receive. Re-exported by `carecircle.portal.services`.

Idempotent by key: `message_send(key="…")` a second time answers the message the first call made
and queues nothing (a unique constraint, not a look-up, decides between two concurrent callers).

One-time codes (`MessageKind.OTP_CODE`, the `SECRET_KINDS`): the text is never stored in clear. It
is kept encrypted (core.vault) in `secret_body` only until the worker handed it to the gateway,
then emptied; a code not handed over within `SECRET_TTL_SECONDS` is given up, never sent late. It
never enters the site inbox (the code goes to a phone, typically before there is a session).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import bulk, vault
from carecircle.core.errors import InvalidInput, NotFound
from carecircle.core.regions import is_valid_code
from carecircle.portal import family_copies, outbox
from carecircle.portal.models import Delivery, Message, MessagePreference
from carecircle.portal.types import (
    ALWAYS_ON,
    DEFAULT_CHANNELS,
    SECRET_KINDS,
    SECRET_TTL_SECONDS,
    Channel,
    DeliveryState,
    MessageKind,
    MessageSpec,
)

if TYPE_CHECKING:
    from carecircle.core.models import User

KEY_MAX = 200
_SECRET_TTL = timedelta(seconds=SECRET_TTL_SECONDS)
_KINDS = {k.value: k for k in MessageKind}  # MessageKind.values builds a list at every call


def sms_enabled() -> bool:
    """Whether SMS goes out at all: a gateway is configured (nothing external by default)."""
    return bool(settings.CARECIRCLE_SMS_GATEWAY_URL)


def _check(key: str, kind: MessageKind | str, region_code: str, title: str) -> MessageKind:
    if not key or len(key) > KEY_MAX:
        raise InvalidInput(_("消息幂等键不能为空，且不超过200个字符"), field="key")
    if kind not in _KINDS:
        raise InvalidInput(_("消息类型无效"), field="kind")
    if not is_valid_code(region_code):
        raise InvalidInput(_("所属区划代码无效"), field="region_code")
    if not title.strip():
        raise InvalidInput(_("消息标题不能为空"), field="title")
    return _KINDS[kind]


def _choices(user_ids: Iterable[int]) -> dict[tuple[int, str], tuple[bool, bool]]:
    """(user, kind) -> (wanted, by_sms) for the users' stored choices; no row: both True."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = MessagePreference.objects.filter(user_id__in=ids).values_list(
        "user_id", "kind", "wanted", "by_sms"
    )
    return {(u, k): (w, s) for u, k, w, s in rows}


def _routing(
    kind: MessageKind,
    recipient_id: int | None,
    phone: str,
    channels: Collection[Channel],
    choice: tuple[bool, bool],
    sms_on: bool,
) -> tuple[bool, bool]:
    """(in the inbox, by SMS) for one message, after the recipient's choice for its kind."""
    wanted, by_sms = (True, True) if kind in ALWAYS_ON else choice
    inbox = Channel.INBOX in channels and recipient_id is not None and wanted and kind not in SECRET_KINDS
    sms = sms_on and Channel.SMS in channels and bool(phone) and wanted and by_sms
    return inbox, sms


def message_send(
    *,
    key: str,
    kind: MessageKind,
    recipient: User | None = None,
    phone: str | None = None,
    region_code: str,
    title: str,
    body: str,
    channels: Collection[Channel] = DEFAULT_CHANNELS,
    person_id: int | None = None,
) -> Message:
    """Queue one message, once per `key` (a second call answers the first call's message).

    The inbox gets it when there is a `recipient` (and they have not switched the kind off); SMS
    when `phone` is given, SMS is configured and wanted. A sender names a recipient, a phone, or
    both; a one-time code goes to a phone only. The worker sends after the transaction commits.
    The family accounts linked to the person the message is about (`person_id`, else the person
    whose own account `recipient` is) get a copy each (portal/family_copies.py)."""
    kind = _check(key, kind, region_code, title)
    if recipient is None and not phone:
        raise InvalidInput(_("请指定接收人或手机号"), field="recipient")
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    choice = _choices([recipient.pk]).get((recipient.pk, kind), (True, True)) if recipient else (True, True)
    inbox, sms = _routing(
        kind, recipient.pk if recipient else None, phone or "", channels, choice, sms_enabled()
    )
    now = timezone.now()
    secret = kind in SECRET_KINDS
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                kind=kind,
                recipient=recipient,
                phone=phone or "",
                region_code=region_code,
                title=title,
                body="" if secret else body,
                secret_body=body if secret and sms else "",
                expires_at=now + _SECRET_TTL if secret else None,
                created_at=now,
                in_inbox=inbox,
            )
            if sms:
                Delivery.objects.create(
                    message=message,
                    channel=Channel.SMS,
                    region_code=region_code,
                    next_attempt_at=now,
                    updated_at=now,
                )
            copied = _copy_to_family(message, kind, recipient, phone, person_id, channels)
    except IntegrityError:
        return Message.objects.get(key=key)  # a concurrent caller with the same key won
    if sms or copied:
        outbox.deliver_soon()
    return message


def _copy_to_family(
    message: Message,
    kind: MessageKind,
    recipient: User | None,
    phone: str | None,
    person_id: int | None,
    channels: Collection[Channel],
) -> int:
    if kind in SECRET_KINDS:
        return 0
    if person_id is None:
        person_id = family_copies.person_of_account(recipient.pk if recipient else None)
    if person_id is None:
        return 0
    spec = MessageSpec(
        key=message.key,
        kind=kind,
        region_code=message.region_code,
        title=message.title,
        body=message.body,
        recipient_id=recipient.pk if recipient else None,
        phone=phone or "",
    )
    return messages_queue_bulk(family_copies.copies_for([(spec, person_id)]), channels=channels)


def _new_ids(n: int) -> list[int]:
    """`n` fresh message ids: from the table's sequence on PostgreSQL (safe beside concurrent
    inserts); on SQLite the caller's write transaction (IMMEDIATE) holds the only write lock."""
    if n == 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Message._meta.db_table, n],
            )
            return [r[0] for r in cur.fetchall()]
    start = (Message.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return list(range(start, start + n))


def _keys_taken(keys: list[str]) -> set[str]:
    """Which of `keys` are queued already, in one round trip (PostgreSQL; SQLite's insert skips
    them itself with ON CONFLICT)."""
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT key FROM {table} WHERE key = ANY(%s)", [keys])  # noqa: S608 — the table's own name
        return {r[0] for r in cur.fetchall()}


_MESSAGE_COLUMNS = (
    "id, key, kind, recipient_id, phone, region_code, title, body, secret_body, expires_at, "
    "created_at, in_inbox, read_at"
)
_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(row: tuple[bulk.SqlValue, ...]) -> str:
    """One message row as a line of COPY's text format: tab-separated, \\N for NULL, t/f for
    booleans; the free texts (key, title, body) escaped, the others cannot hold a tab or newline
    (numbers, codes, vault's base64, timestamps)."""
    mid, key, kind, rid, phone, region, title, body, secret, until, at, inbox, _read = row
    return "\t".join(
        (
            str(mid),
            str(key).translate(_COPY_ESCAPES),
            str(kind),
            _NULL if rid is None else str(rid),
            str(phone),
            str(region).translate(_COPY_ESCAPES),
            str(title).translate(_COPY_ESCAPES),
            str(body).translate(_COPY_ESCAPES),
            str(secret),
            _NULL if until is None else str(until),
            str(at),
            "t" if inbox else "f",
            _NULL,
        )
    )


def _insert_messages(rows: list[tuple[bulk.SqlValue, ...]]) -> int:
    """Write the message rows; answers how many were written. PostgreSQL: one COPY of the whole
    batch as text (its keys were checked just before, in this transaction). SQLite: one
    executemany that skips a key queued already (the unique constraint decides)."""
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({_MESSAGE_COLUMNS}) FROM STDIN") as copy:
                copy.write("".join(_copy_text(r) + "\n" for r in rows))
            return len(rows)
        marks = ", ".join(["%s"] * 13)
        cur.executemany(
            f"INSERT INTO {table} ({_MESSAGE_COLUMNS}) VALUES ({marks}) ON CONFLICT (key) DO NOTHING",  # noqa: S608 — placeholders only
            rows,
        )
        return int(cur.rowcount)


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Consecutive stretches of ascending `ids` as (first, last)."""
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _insert_sms_deliveries(message_ids: list[int], at: bulk.SqlValue) -> None:
    """One queued SMS delivery row for each of `message_ids` that was written: made by the
    database from the message rows (INSERT … SELECT over stretches of ids), no row through Python.
    An id whose message was skipped (key queued already) has no row to select."""
    qn = connection.ops.quote_name
    messages, deliveries = qn(Message._meta.db_table), qn(Delivery._meta.db_table)
    head = (
        f"INSERT INTO {deliveries} (message_id, channel, region_code, state, attempts, "  # noqa: S608 — table names only
        "next_attempt_at, lease_owner, lease_until, last_error, provider_id, sent_at, updated_at) "
        f"SELECT id, %s, region_code, %s, 0, %s, '', NULL, '', '', NULL, %s FROM {messages} WHERE "
    )
    fixed: list[bulk.SqlValue] = [Channel.SMS.value, DeliveryState.QUEUED.value, at, at]
    runs = _runs(message_ids)
    with connection.cursor() as cur:
        for start in range(0, len(runs), 200):  # bound parameters per statement stay few
            part = runs[start : start + 200]
            where = " OR ".join(["id BETWEEN %s AND %s"] * len(part))
            cur.execute(head + where, fixed + [v for run in part for v in run])


def messages_queue_bulk(
    specs: Sequence[MessageSpec], *, channels: Collection[Channel] = DEFAULT_CHANNELS
) -> int:
    """Queue many messages in one transaction (a producer's batch: a month's allowances), the way
    `message_send` queues one, written straight into the tables: the messages in one COPY
    (PostgreSQL) or one executemany (SQLite), their SMS delivery rows made by the database from
    them. Keys already queued (or twice in `specs`) are skipped; answers how many were new.
    `phone` may be given in clear or as vault ciphertext (copied from a person's encrypted column
    without decrypting it)."""
    for spec in specs:
        _check(spec.key, spec.kind, spec.region_code, spec.title)
    if not specs:
        return 0
    with transaction.atomic():
        fresh: dict[str, MessageSpec] = {}
        for s in specs:
            fresh.setdefault(s.key, s)
        if connection.vendor == "postgresql":
            for key in _keys_taken(list(fresh)):
                del fresh[key]
        todo = list(fresh.values())
        choices = _choices(s.recipient_id for s in todo if s.recipient_id is not None)
        now = timezone.now()
        at_db = connection.ops.adapt_datetimefield_value(now)  # once, not per row (SQLite: text)
        at = now.isoformat() if connection.vendor == "postgresql" else at_db  # COPY's text form
        expires = connection.ops.adapt_datetimefield_value(now + _SECRET_TTL)
        sms_on = sms_enabled()
        encrypt = vault.encrypt
        rows: list[tuple[bulk.SqlValue, ...]] = []
        sms_ids: list[int] = []
        for mid, s in zip(_new_ids(len(todo)), todo, strict=True):
            kind = _KINDS[s.kind]
            rid = s.recipient_id
            choice = choices.get((rid, kind), (True, True)) if rid else (True, True)
            inbox, sms = _routing(kind, rid, s.phone, channels, choice, sms_on)
            phone = s.phone if not s.phone or s.phone.startswith("v1:") else encrypt(s.phone)
            if kind in SECRET_KINDS:
                body, secret, until = "", encrypt(s.body) if sms else "", expires
            else:
                body, secret, until = s.body, "", None
            rows.append(
                (mid, s.key, kind.value, rid, phone, s.region_code, s.title, body, secret)
                + (until, at, inbox, None)
            )
            if sms:
                sms_ids.append(mid)
        written = _insert_messages(rows) if rows else 0
        _insert_sms_deliveries(sms_ids, at_db)
        copies = family_copies.copies_for(family_copies.about(todo))
        if copies:  # plain MessageSpecs: no further copies of copies
            written += messages_queue_bulk(copies, channels=channels)
    return written


def message_mark_read(*, actor: User, message_id: int) -> Message:
    """The recipient opened the message (only their own inbox's; anyone else's: not found)."""
    message = Message.objects.filter(pk=message_id, recipient=actor, in_inbox=True).first()
    if message is None:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def messages_mark_all_read(*, actor: User) -> int:
    return Message.objects.filter(recipient=actor, in_inbox=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_set(*, actor: User, choices: dict[MessageKind, tuple[bool, bool]]) -> None:
    """The resident's choice per kind: (receive it, also by SMS). The kinds in `ALWAYS_ON` stay on
    whatever is asked (a one-time code, the outcome of one's own alarm)."""
    for kind, (wanted, by_sms) in choices.items():
        if kind not in _KINDS:
            raise InvalidInput(_("消息类型无效"), field="kind")
        if kind in ALWAYS_ON:
            wanted, by_sms = True, True
        MessagePreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"wanted": wanted, "by_sms": by_sms and wanted}
        )
