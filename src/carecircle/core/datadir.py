"""The data folder ($CARECIRCLE_HOME) and the keys folder ($CARECIRCLE_KEYS).

The data folder holds the embedded database, uploads and caches. The keys live in a folder of their
own, by default next to the data folder (``~/.carecircle`` → ``~/.carecircle-keys``), so that a
copy of the data folder (or of its database) is never a copy of the key that decrypts it.

The session key (secret.key) is created on first use: losing it only signs everyone out. The vault
key (vault.key) is never created here: reading it returns "" when there is none, and only
`core.keyring.check` creates one, for a database that holds no personal data yet. Production
passes both through the environment instead (CARECIRCLE_SECRET_KEY, CARECIRCLE_VAULT_KEY).

Installs from before this layout kept the keys in the data folder: they are moved on first start
to the keys folder, with a message on standard error.
"""

import os
import secrets
import sys
from pathlib import Path

VAULT_KEY_ENV = "CARECIRCLE_VAULT_KEY"
VAULT_KEY_FILE = "vault.key"


def data_home() -> Path:
    home = Path(os.environ.get("CARECIRCLE_HOME") or Path.home() / ".carecircle").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def keys_home(create: bool = False) -> Path:
    configured = os.environ.get("CARECIRCLE_KEYS")
    if configured:
        keys = Path(configured).expanduser()
    else:
        home = data_home().resolve()
        keys = home.with_name(home.name + "-keys")
    if create and not keys.exists():
        keys.mkdir(mode=0o700, parents=True, exist_ok=True)
    return keys


def _adopt_legacy(file_name: str) -> None:
    """Move a key an older version wrote into the data folder to the keys folder."""
    legacy = data_home() / file_name
    if not legacy.exists():
        return
    target = keys_home(create=True) / file_name
    value = legacy.read_text().strip()
    if target.exists():
        if target.read_text().strip() == value:
            legacy.unlink(missing_ok=True)
        else:
            sys.stderr.write(
                f"注意：数据文件夹中的旧密钥文件 {legacy} 与 {target} 不同，未使用它；请核对后删除。\n"
            )
        return
    write_key_file(target, value)
    legacy.unlink(missing_ok=True)
    sys.stderr.write(
        f"已把密钥文件 {file_name} 从数据文件夹 {legacy.parent} 移到密钥文件夹 {target.parent}："
        "数据文件夹的副本从此不含密钥。请把密钥文件夹单独备份（见 docs/operations.md）。\n"
    )


def write_key_file(path: Path, value: str) -> bool:
    """Write a key file (mode 600) unless one exists; O_EXCL, so that two processes starting
    together cannot write two keys. Returns whether this call wrote it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(value)
        f.flush()
        os.fsync(f.fileno())
    return True


def new_key(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def read_key(env_name: str, file_name: str) -> str:
    """The key from the environment or the keys folder; "" when there is none (never created)."""
    value = os.environ.get(env_name)
    if value:
        return value
    _adopt_legacy(file_name)
    path = keys_home() / file_name
    return path.read_text().strip() if path.exists() else ""


def key_source(env_name: str = VAULT_KEY_ENV, file_name: str = VAULT_KEY_FILE) -> str:
    """Where the key is read from, for messages."""
    return f"环境变量 {env_name}" if os.environ.get(env_name) else str(keys_home() / file_name)


def key_from_env_or_file(env_name: str, file_name: str, nbytes: int = 32) -> str:
    """A key that may be created on first use (the session key)."""
    value = read_key(env_name, file_name)
    if value:
        return value
    write_key_file(keys_home(create=True) / file_name, new_key(nbytes))
    return (keys_home() / file_name).read_text().strip()


def restrict_data_home(home: Path) -> None:
    """Make the data folder readable by its owner only (PIPL; 等保 2.0 level 3).

    New files: the process's umask becomes 077 at start (settings are loaded by every entry point:
    the command line, the web server, the workers), so everything the process creates is 0600 and
    every folder 0700 — the SQLite database and its -wal/-shm (SQLite gives them the database's
    mode), uploads, reports a command writes. Existing installs made before this rule: the folder is
    set to 0700 (which alone shuts everyone else out of all it holds), the files directly in it and
    everything under uploads/ to 0600 (folders 0700); other folders in it are left as they are."""
    os.umask(0o077)

    def fix(path: Path, mode: int) -> None:
        try:
            if not path.is_symlink() and (path.stat().st_mode & 0o777) != mode:
                path.chmod(mode)
        except OSError as exc:
            sys.stderr.write(f"注意：无法把 {path} 的权限改为 {mode:o}：{exc}\n")

    fix(home, 0o700)
    for entry in home.iterdir():
        if entry.is_file():
            fix(entry, 0o600)
    uploads = home / "uploads"
    if uploads.is_dir():
        fix(uploads, 0o700)
        for path in uploads.rglob("*"):
            fix(path, 0o700 if path.is_dir() else 0o600)
