"""Backup and restore (`carecircle backup DEST`, `carecircle restore SRC`).

A backup is a folder: the database (SQLite: a page-by-page copy through SQLite's online backup
API, consistent while the server runs; PostgreSQL: `pg_dump --format=custom`), the uploads, and
`manifest.json`, written last, which records the fingerprint of the vault key the data is
encrypted under, the checksum of the database file and the migrations it holds. It never contains a
key: the keys live in their own folder (core/datadir.py) and are kept apart from backups.

A restore reads the manifest, checks the database file's checksum and that the vault key this
installation was given has the backup's fingerprint, all before it writes anything; a missing or
different key is refused with what to do. It then replaces the database in one step (SQLite: the
backup API inside one write transaction; PostgreSQL: `pg_restore --single-transaction`), so a
restore killed half-way leaves the database as it was.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from carecircle.core import datadir, keyring, vault

FORMAT, VERSION = "carecircle-backup", 1
MANIFEST = "manifest.json"
FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
PAGES_PER_STEP = 1024

Manifest: TypeAlias = dict[str, Any]
"""manifest.json: a JSON document (format, version, engine, database, uploads, vault_fingerprint, migrations)."""
Out: TypeAlias = Callable[[str], None] | None
"""Where progress lines go (a command's stdout.write), or nowhere."""


class BackupError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Progress:
    """Writes "label done/total unit (pct)" at most every half second, and at the end."""

    def __init__(self, write: Out, label: str, unit: str) -> None:
        self.write, self.label, self.unit, self.last = write, label, unit, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.write and (now - self.last >= 0.5 or done >= total):
            self.last = now
            self.write(f"  {self.label} {done:,}/{total:,} {self.unit} ({100 * done / max(total, 1):.0f}%)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in FILES:
        raise BackupError(_("不支持的数据库类型：%(v)s") % {"v": vendor})
    return vendor


def _fingerprint_for_backup(using: str) -> str:
    state = keyring.recorded_state(using)
    if state is not None and state.next_fingerprint:
        raise BackupError(
            _("密钥轮换尚未完成：数据同时在两把密钥之下。请先运行 carecircle vault rotate 完成轮换再备份。")
        )
    if state is not None:
        return state.fingerprint
    if keyring.sample_token(using) is None:
        return ""  # no personal data: any key restores it
    try:  # personal data but no fingerprint yet (an older install): verify the key and record it
        return keyring.check(using=using)
    except keyring.KeyRefused as exc:
        raise BackupError(exc.message) from None


# ------------------------------------------------------------------ backup


def backup(dest: str | Path, *, using: str = DEFAULT_DB_ALIAS, out: Out = None) -> Manifest:
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(_("备份目标 %(d)s 已存在且不是空文件夹：请指定新的文件夹。") % {"d": dest})
    engine = _engine(using)
    fingerprint = _fingerprint_for_backup(using)
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = dest / FILES[engine]
    if engine == "sqlite":
        _sqlite_backup(using, target, out)
        fingerprint = _sqlite_fingerprint(target, fingerprint)
    else:
        _pg_dump(using, target, out)
    uploads = _copy_tree(Path(settings.MEDIA_ROOT), dest / "uploads", out, _("上传文件"))
    recorder = MigrationRecorder(connections[using])
    migrations: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        migrations[app] = name
    manifest: Manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": {"file": target.name, "bytes": target.stat().st_size, "sha256": _sha256(target)},
        "uploads": uploads,
        "vault_fingerprint": fingerprint,
        "migrations": migrations,
        "note": "不含任何密钥。恢复时需要指纹与 vault_fingerprint 相同的个人信息加密密钥。",
    }
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    os.replace(tmp, dest / MANIFEST)  # a folder without manifest.json is an unfinished backup
    return manifest


def _sqlite_backup(using: str, target: Path, out: Out) -> None:
    connection = connections[using]
    connection.ensure_connection()
    progress = Progress(out, _("数据库"), _("页"))
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(
            copy,
            pages=PAGES_PER_STEP,
            progress=lambda _status, remaining, total: progress(total - remaining, total),
        )
    finally:
        copy.close()
    os.chmod(target, 0o600)


def _sqlite_fingerprint(path: Path, before: str) -> str:
    """The fingerprint the copy itself records (the copy is one consistent snapshot)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            row = db.execute(
                "SELECT fingerprint, next_fingerprint FROM core_vaultkeystate WHERE id = 1"
            ).fetchone()
        except sqlite3.OperationalError:
            row = None
    if row and row[1]:
        raise BackupError(_("密钥轮换尚未完成：请先运行 carecircle vault rotate 完成轮换再备份。"))
    recorded: str = row[0] if row else before
    return recorded


def _pg_args(using: str) -> tuple[list[str], dict[str, str]]:
    sd = connections[using].settings_dict
    args: list[str] = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if sd.get(key):
            args += [flag, str(sd[key])]
    env = dict(os.environ)
    if sd.get("PASSWORD"):
        env["PGPASSWORD"] = str(sd["PASSWORD"])  # never on the command line (visible in ps)
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"):
        if (sd.get("OPTIONS") or {}).get(option) not in (None, ""):
            env[f"PG{option.replace('_', '').upper()}"] = str(sd["OPTIONS"][option])
    return [*args, "--dbname", sd["NAME"]], env


def _run_pg(
    tool: str, args: list[str], env: dict[str, str], marker: str, total: int, progress: Progress
) -> None:
    if not shutil.which(tool):
        raise BackupError(_("找不到 %(t)s：请安装 PostgreSQL 客户端（主版本不低于服务器）。") % {"t": tool})
    proc = subprocess.Popen(
        [tool, *args], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    done, tail = 0, list[str]()
    assert proc.stderr is not None  # stderr=PIPE above
    for line in proc.stderr:
        if marker in line:
            done += 1
            progress(min(done, total), total)
        else:
            tail = [*tail[-9:], line.rstrip()]
    if proc.wait() != 0:
        raise BackupError(_("%(t)s 失败：%(e)s") % {"t": tool, "e": " | ".join(x for x in tail if x)})
    progress(total, total)


def _pg_dump(using: str, target: Path, out: Out) -> None:
    args, env = _pg_args(using)
    tables = len(connections[using].introspection.table_names())
    _run_pg(
        "pg_dump",
        ["--format=custom", "--verbose", "--file", str(target), *args],
        env,
        "dumping contents of table",
        tables,
        Progress(out, _("数据库"), _("张表")),
    )
    os.chmod(target, 0o600)


def _copy_tree(source: Path, target: Path, out: Out, label: str) -> dict[str, int] | None:
    if not source.is_dir():
        return None
    files = [p for p in source.rglob("*") if p.is_file()]
    progress = Progress(out, label, _("个文件"))
    size = 0
    for n, path in enumerate(files, 1):
        to = target / path.relative_to(source)
        to.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copy2(path, to)
        size += path.stat().st_size
        progress(n, len(files))
    return {"files": len(files), "bytes": size}


# ------------------------------------------------------------------ restore


def read_manifest(src: str | Path) -> Manifest:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(s)s 不是完整的备份：缺少 %(m)s（备份未完成，或不是 carecircle backup 写的）。")
            % {"s": src, "m": MANIFEST}
        )
    try:
        manifest: Manifest = json.loads(path.read_text())
    except ValueError:
        raise BackupError(_("%(m)s 无法解析：备份已损坏。") % {"m": path}) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(_("%(m)s 不是本系统可读的备份格式。") % {"m": path})
    return manifest


def check_key(manifest: Manifest, key: str) -> None:
    """Refuse unless `key` is the key the backup's data is encrypted under."""
    expected = manifest.get("vault_fingerprint", "")
    if not expected:
        return
    if not key:
        raise BackupError(
            _("备份中的个人信息是用指纹为 %(fp)s 的密钥加密的，但本机没有个人信息加密密钥。")
            % {"fp": keyring.short(expected)}
            + _(
                "请先把与该备份一起保管的密钥放到 %(path)s（或用环境变量 CARECIRCLE_VAULT_KEY 提供），再恢复。"
                "系统不会为已有数据生成新密钥。"
            )
            % {"path": datadir.keys_home() / datadir.VAULT_KEY_FILE}
            + keyring.hint(expected)
        )
    if vault.fingerprint(key) != expected:
        raise BackupError(
            _(
                "密钥与备份不匹配：备份需要指纹为 %(fp)s 的密钥，本机密钥（%(source)s）的指纹为 %(cur)s。未写入任何数据。"
                "请换上与该备份一起保管的密钥后再恢复。"
            )
            % {
                "fp": keyring.short(expected),
                "cur": keyring.short(vault.fingerprint(key)),
                "source": datadir.key_source(),
            }
            + keyring.hint(expected)
        )


def restore(
    src: str | Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS, out: Out = None
) -> Manifest:
    src = Path(src)
    manifest = read_manifest(src)
    engine = _engine(using)
    if manifest["engine"] != engine:
        raise BackupError(
            _("这是 %(b)s 数据库的备份，不能恢复到 %(t)s 数据库。") % {"b": manifest["engine"], "t": engine}
        )
    data = src / manifest["database"]["file"]
    if not data.is_file():
        raise BackupError(_("备份缺少数据库文件 %(f)s。") % {"f": data})
    if out:
        out(_("校验备份文件…"))
    if _sha256(data) != manifest["database"]["sha256"]:
        raise BackupError(
            _("数据库文件 %(f)s 的校验和与清单不符：备份已损坏，未写入任何数据。") % {"f": data}
        )
    check_key(manifest, settings.VAULT_KEY)
    _check_version(manifest)
    if not replace and "django_migrations" in connections[using].introspection.table_names():
        raise BackupError(_("目标数据库已有数据：恢复会整个替换它。确认要替换请加 --replace。"))
    if engine == "sqlite":
        _sqlite_restore(using, data, out)
    else:
        _pg_restore(using, data, out)
    if (src / "uploads").is_dir():
        _copy_tree(src / "uploads", Path(settings.MEDIA_ROOT), out, _("上传文件"))
    state = keyring.recorded_state(using)
    restored = state.fingerprint if state else ""
    if restored != manifest.get("vault_fingerprint", "") and manifest.get("vault_fingerprint"):
        raise BackupError(
            _("恢复后的数据库记录的密钥指纹 %(got)s 与清单 %(fp)s 不符：请检查备份来源。")
            % {"got": keyring.short(restored), "fp": keyring.short(manifest["vault_fingerprint"])}
        )
    return manifest


def _check_version(manifest: Manifest) -> None:
    """Refuse a backup written by a newer version (migrations this code does not know)."""
    from django.db.migrations.loader import MigrationLoader  # noqa: PLC0415 — start-up cost: a heavy library, loaded when this runs

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}" for app, name in manifest.get("migrations", {}).items() if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            _(
                "这份备份来自较新的版本（含本版本没有的迁移 %(m)s）：请先升级 CareCircle 再恢复。未写入任何数据。"
            )
            % {"m": "、".join(unknown[:5])}
        )


def _sqlite_restore(using: str, data: Path, out: Out) -> None:
    connection = connections[using]
    connection.ensure_connection()
    progress = Progress(out, _("数据库"), _("页"))
    source = sqlite3.connect(f"file:{data}?mode=ro", uri=True)
    try:
        # One write transaction on the destination until the last page: a kill leaves it as it was.
        source.backup(
            connection.connection,
            pages=PAGES_PER_STEP,
            progress=lambda _status, remaining, total: progress(total - remaining, total),
        )
    finally:
        source.close()


def _pg_restore(using: str, data: Path, out: Out) -> None:
    args, env = _pg_args(using)
    if not shutil.which("pg_restore"):
        raise BackupError(
            _("找不到 %(t)s：请安装 PostgreSQL 客户端（主版本不低于服务器）。") % {"t": "pg_restore"}
        )
    listing = subprocess.run(["pg_restore", "--list", str(data)], capture_output=True, text=True, env=env)
    tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line) or 1
    connections[using].close()
    _run_pg(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--verbose",
            *args,
            str(data),
        ],
        env,
        "processing data for table",
        tables,
        Progress(out, _("数据库"), _("张表")),
    )
