"""Vault key rotation: every encrypted column re-encrypted, every blind index recomputed, under a
new key (`carecircle vault rotate`).

Resumable: the new key is stored (keys folder `vault.key.next`, or CARECIRCLE_VAULT_KEY_NEXT)
and its fingerprint written to core.VaultKeyState.next_fingerprint before any row changes. Each
table is walked in primary-key order in batches; a batch's rows and the table's progress
(rotation_progress: the last primary key done) commit in one transaction, so a rotation killed at
any point goes on from the last committed batch. Both keys are known throughout: a value is
decrypted under the old key, or under the new one if it was already rotated. At the end the
recorded fingerprint switches to the new key in one transaction; then the key files are swapped
(the old key is kept as `vault.key.retired-<time>-<fingerprint>`: backups taken before the rotation
need it). While a rotation is unfinished every other command refuses to start (keyring.check), so
no process writes under the old key meanwhile.
"""

import time
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import vault
from carecircle.core.keyring import KeyRefused, VaultTable, short, vault_tables
from carecircle.core.models import VaultKeyState

BATCH = 1000


def _state(using: str, lock: bool = True) -> VaultKeyState | None:
    rows = VaultKeyState.objects.using(using)
    return (rows.select_for_update() if lock else rows).filter(pk=1).first()


def _recorded(using: str, lock: bool = True) -> VaultKeyState:
    """The state row, which `start` made sure is there."""
    state = _state(using, lock)
    if state is None:
        raise KeyRefused(_("数据库还没有记录密钥指纹：请先运行 carecircle migrate。"))
    return state


def start(*, old_key: str, new_key: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record that a rotation to new_key has begun (or check that the one under way is to it)."""
    old_fp, new_fp = vault.fingerprint(old_key), vault.fingerprint(new_key)
    if not new_key or new_fp == old_fp:
        raise KeyRefused(_("新密钥不能为空，也不能与当前密钥相同。"))
    with transaction.atomic(using=using):
        state = _state(using)
        if state is None:
            raise KeyRefused(_("数据库还没有记录密钥指纹：请先运行 carecircle migrate。"))
        if state.next_fingerprint:
            if state.next_fingerprint != new_fp:
                raise KeyRefused(
                    _(
                        "已有一次轮换正在进行，换往指纹为 %(next)s 的密钥，而提供的新密钥指纹为 %(given)s："
                        "请用那次轮换的新密钥继续。"
                    )
                    % {"next": short(state.next_fingerprint), "given": short(new_fp)}
                )
            if state.fingerprint != old_fp:
                raise KeyRefused(
                    _("当前密钥与数据库记录的指纹 %(fp)s 不符。") % {"fp": short(state.fingerprint)}
                )
            return
        if state.fingerprint != old_fp:
            raise KeyRefused(_("当前密钥与数据库记录的指纹 %(fp)s 不符。") % {"fp": short(state.fingerprint)})
        state.next_fingerprint = new_fp
        state.rotation_progress = {}
        state.rotation_started_at = timezone.now()
        state.save()


def _rotate_value(old_key: str, new_key: str, token: str, where: str) -> tuple[str, str]:
    """(the value under the new key, its plaintext)."""
    if not token:
        return "", ""
    try:
        plain = vault.decrypt_with(old_key, token)
    except InvalidTag:
        try:
            return token, vault.decrypt_with(new_key, token)  # already rotated by a batch that committed
        except InvalidTag:
            raise KeyRefused(
                _("%(where)s 的密文用两把密钥都解不开：数据已损坏，或不是用当前密钥加密的。")
                % {"where": where}
            ) from None
    return vault.encrypt_with(new_key, plain), plain


def _write(
    cursor: CursorWrapper, connection: BaseDatabaseWrapper, t: VaultTable, rows: list[list[str | int]]
) -> None:
    """rows: [new values of the encrypted columns..., of the blind indexes..., pk]. PostgreSQL: one
    UPDATE ... FROM (VALUES ...) per batch (a statement per row costs a round trip each);
    SQLite: executemany, which runs in-process."""
    quote = connection.ops.quote_name
    targets = [*t.encrypted, *(index for index, _src in (*t.blind_indexes, *t.phone_indexes))]
    if connection.vendor == "postgresql":
        row = "(" + ", ".join(["%s"] * (len(targets) + 1)) + ")"
        names = ", ".join(quote(c) for c in [*targets, "rotated_pk"])
        cursor.execute(
            f"UPDATE {quote(t.table)} AS t SET {', '.join(f'{quote(c)} = v.{quote(c)}' for c in targets)} "
            f"FROM (VALUES {', '.join([row] * len(rows))}) AS v({names}) WHERE t.{quote(t.pk)} = v.rotated_pk",
            [value for r in rows for value in r],
        )
        return
    assignments = ", ".join(f"{quote(c)} = %s" for c in targets)
    cursor.executemany(f"UPDATE {quote(t.table)} SET {assignments} WHERE {quote(t.pk)} = %s", rows)


def run(
    *,
    old_key: str,
    new_key: str,
    using: str = DEFAULT_DB_ALIAS,
    batch: int = BATCH,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt everything from where the rotation stopped; switch the fingerprint at the end.
    Returns {table label: rows re-encrypted by this call}."""
    start(old_key=old_key, new_key=new_key, using=using)
    connection = connections[using]
    quote = connection.ops.quote_name
    done_by_table: dict[str, int] = {}
    for t in vault_tables():
        columns = list(t.encrypted)
        select = f"SELECT {quote(t.pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(t.table)}"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(t.table)}")
            total = cursor.fetchone()[0]
        last = _recorded(using, lock=False).rotation_progress.get(t.label)
        with connection.cursor() as cursor:
            if last is None:
                done = 0
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(t.table)} WHERE {quote(t.pk)} <= %s", [last])
                done = cursor.fetchone()[0]
        count = 0
        if progress:
            progress(t.label, done, total)  # the table starts (after a resume: where it stopped)
        while True:
            with transaction.atomic(using=using):
                state = _recorded(using)
                last = state.rotation_progress.get(t.label)
                with connection.cursor() as cursor:
                    where = "" if last is None else f" WHERE {quote(t.pk)} > %s"
                    cursor.execute(
                        f"{select}{where} ORDER BY {quote(t.pk)} LIMIT {int(batch)}",
                        [] if last is None else [last],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    params: list[list[str | int]] = []
                    for pk, *tokens in rows:
                        rotated = [_rotate_value(old_key, new_key, tok, f"{t.label} #{pk}") for tok in tokens]
                        plain = {c: p for c, (_tok, p) in zip(columns, rotated, strict=True)}
                        indexes = [
                            vault.blind_index_with(new_key, plain[src]) if plain[src] else ""
                            for _i, src in t.blind_indexes
                        ] + [vault.phone_index_with(new_key, plain[src]) for _i, src in t.phone_indexes]
                        params.append([*(tok for tok, _p in rotated), *indexes, pk])
                    _write(cursor, connection, t, params)
                state.rotation_progress = {**state.rotation_progress, t.label: rows[-1][0]}
                state.save(update_fields=["rotation_progress"])
            count += len(rows)
            done += len(rows)
            if progress:
                progress(t.label, done, total)
        done_by_table[t.label] = count
    with transaction.atomic(using=using):
        state = _recorded(using)
        state.fingerprint = state.next_fingerprint
        state.next_fingerprint = ""
        state.rotation_progress = {}
        state.recorded_at = timezone.now()
        state.save()
    return done_by_table


class Progress:
    """Prints "table done/total (pct) rate/s" at most every half second and at each table's end."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write, self.last, self.start, self.label, self.first = write, 0.0, time.monotonic(), "", 0

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if label != self.label:  # each table's rate from its own start
            self.label, self.start, self.first = label, now, done
        done_here = done - self.first
        if now - self.last >= 0.5 or done >= total:
            self.last = now
            rate = done_here / max(now - self.start, 1e-6)
            self.write(f"  {label} {done:,}/{total:,} ({100 * done / max(total, 1):.0f}%) {rate:,.0f} 行/秒")
