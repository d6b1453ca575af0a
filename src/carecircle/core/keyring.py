"""The vault key and the data belong together.

The database records the fingerprint of the vault key its personal data is encrypted under
(core.VaultKeyState; vault.fingerprint reveals nothing about the key). `check` runs before every
`carecircle` command that touches data (cli.py) and refuses, with a message saying what to do,
when the key is missing, different, or half-way through a rotation. A key is generated only for a
database that holds no personal data yet (the first `migrate`, the demo); a database that holds
personal data but no fingerprint (an install from before the fingerprint) is checked by decrypting
one stored value, and its fingerprint recorded.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from carecircle.core import datadir, vault
from carecircle.core.models import VaultKeyState

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class KeyRefused(Exception):
    """The key does not belong to the data: nothing may run until the right key is in place."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class VaultTable:
    """A table with encrypted columns, and the blind indexes computed from them."""

    label: str
    model: type
    table: str
    pk: str
    encrypted: tuple[str, ...]
    blind_indexes: tuple[tuple[str, str], ...]  # (index column, encrypted source column)
    phone_indexes: tuple[tuple[str, str], ...] = ()  # the same, of a phone number (vault.phone_index)


def vault_tables() -> list[VaultTable]:
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, vault.EncryptedTextField)]
        if not fields:
            continue
        columns = {f.name: f.column for f in meta.local_concrete_fields if f.column is not None}
        blind = tuple(
            (columns[index], columns[source])
            for index, source in getattr(model, "VAULT_BLIND_INDEXES", {}).items()
        )
        phones = tuple(
            (columns[index], columns[source])
            for index, source in getattr(model, "VAULT_PHONE_INDEXES", {}).items()
        )
        found.append(
            VaultTable(
                meta.label_lower,
                model,
                meta.db_table,
                columns[meta.pk.name],
                tuple(columns[f.name] for f in fields),
                blind,
                phones,
            )
        )
    return sorted(found, key=lambda t: t.label)


def short(fp: str) -> str:
    return fp[:12] if fp else "—"


def _state_table_exists(using: str) -> bool:
    return VaultKeyState._meta.db_table in connections[using].introspection.table_names()


def recorded_state(using: str = DEFAULT_DB_ALIAS) -> VaultKeyState | None:
    """The VaultKeyState row, or None (table not migrated yet, or nothing recorded)."""
    if not _state_table_exists(using):
        return None
    return VaultKeyState.objects.using(using).filter(pk=1).first()


def sample_token(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """One stored ciphertext, or None when the database holds no personal data."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for t in vault_tables():
            if t.table not in existing:
                continue
            for column in t.encrypted:
                cursor.execute(
                    f"SELECT {quote(column)} FROM {quote(t.table)} WHERE {quote(column)} <> '' LIMIT 1"
                )
                row = cursor.fetchone()
                if row:
                    token: str = row[0]
                    return token
    return None


def decrypts(key: str, token: str) -> bool:
    try:
        vault.decrypt_with(key, token)
    except (InvalidTag, ValueError):
        return False
    return True


def retired_key_matching(fp: str) -> str:
    """The path of a key file in the keys folder (a retired or next key) whose fingerprint is fp."""
    folder = datadir.keys_home()
    if not fp or not folder.is_dir():
        return ""
    for path in sorted(folder.glob(datadir.VAULT_KEY_FILE + ".*")):
        if vault.fingerprint(path.read_text().strip()) == fp:
            return str(path)
    return ""


def missing_message(fp: str) -> str:
    where = (
        _("数据库中的个人信息是用指纹为 %(fp)s 的密钥加密的。") % {"fp": short(fp)}
        if fp
        else _("数据库中已有加密的个人信息。")
    )
    return (
        where
        + _(
            "找不到个人信息加密密钥（vault key）：请把加密这些数据的密钥放回 %(path)s，或用环境变量 "
            "CARECIRCLE_VAULT_KEY 提供，然后再启动。系统不会自动生成新密钥：用新密钥运行会让已有人员无法识别，"
            "再次导入时重复建档、重复发放。"
        )
        % {"path": datadir.keys_home() / datadir.VAULT_KEY_FILE}
        + hint(fp)
    )


def mismatch_message(recorded: str, key: str) -> str:
    if recorded:
        head = _(
            "个人信息加密密钥与数据库不匹配：数据库记录的密钥指纹为 %(db)s，当前密钥（%(source)s）的指纹为 %(cur)s。"
        ) % {"db": short(recorded), "source": datadir.key_source(), "cur": short(vault.fingerprint(key))}
    else:
        head = _("个人信息加密密钥与数据库不匹配：当前密钥（%(source)s）解不开数据库中已有的个人信息。") % {
            "source": datadir.key_source()
        }
    return (
        head
        + _(
            "请换用加密这些数据时的密钥（恢复备份时，用与该备份一起保管的密钥）后再启动；不要用这把密钥继续运行。"
        )
        + hint(recorded)
    )


def hint(fp: str) -> str:
    found = retired_key_matching(fp)
    if not found:
        return ""
    return _("密钥文件夹中的 %(path)s 与数据库相符：如确认无误，可把它改名为 %(name)s。") % {
        "path": found,
        "name": datadir.VAULT_KEY_FILE,
    }


def check(
    *, using: str = DEFAULT_DB_ALIAS, record: bool = True, out: "SupportsWrite[str] | None" = None
) -> str:
    """Refuse (KeyRefused) unless settings.VAULT_KEY belongs to the data; returns its fingerprint.

    With `record`, a database without a fingerprint gets one: the key's, after one stored value
    decrypted under it; for a database with no personal data, the key is created first if there
    is none (the only place a vault key is ever created)."""
    key = settings.VAULT_KEY
    state = recorded_state(using)
    if state is not None:
        if state.next_fingerprint:
            raise KeyRefused(
                _(
                    "个人信息加密密钥的轮换尚未完成（开始于 %(at)s）：请先运行 carecircle vault rotate 完成轮换，"
                    "再启动其他命令。"
                )
                % {"at": state.rotation_started_at}
            )
        if not key:
            raise KeyRefused(missing_message(state.fingerprint))
        if vault.fingerprint(key) != state.fingerprint:
            next_file = datadir.keys_home() / (datadir.VAULT_KEY_FILE + ".next")
            if next_file.exists() and vault.fingerprint(next_file.read_text().strip()) == state.fingerprint:
                raise KeyRefused(
                    _(
                        "数据库已换用新密钥，但密钥文件尚未替换：请运行 carecircle vault rotate 完成替换，再启动。"
                    )
                )
            raise KeyRefused(mismatch_message(state.fingerprint, key))
        return state.fingerprint
    token = sample_token(using)
    if token is not None:
        if not key:
            raise KeyRefused(missing_message(""))
        if not decrypts(key, token):
            raise KeyRefused(mismatch_message("", key))
    elif record and not key:
        key = _create_key(out)  # before the first migrate too: a data migration may encrypt
    if record and key and _state_table_exists(using):
        _record(vault.fingerprint(key), using)
    return vault.fingerprint(key)


def _create_key(out: "SupportsWrite[str] | None") -> str:
    path = datadir.keys_home(create=True) / datadir.VAULT_KEY_FILE
    if datadir.write_key_file(path, datadir.new_key(32)) and out is not None:
        out.write(
            _(
                "数据库中还没有个人信息：已生成个人信息加密密钥 %(path)s。请把密钥文件夹与数据库分开备份，"
                "丢失密钥就无法读取加密的个人信息。"
            )
            % {"path": path}
            + "\n"
        )
    key = path.read_text().strip()
    settings.VAULT_KEY = key
    return key


@transaction.atomic
def _record(fp: str, using: str) -> None:
    VaultKeyState.objects.using(using).get_or_create(pk=1, defaults={"fingerprint": fp})
