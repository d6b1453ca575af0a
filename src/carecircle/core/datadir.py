"""The data folder ($CARECIRCLE_HOME): embedded database, keys, uploads.

Keys are created on first use so that the embedded default needs no set-up; production passes
them through the environment instead (CARECIRCLE_SECRET_KEY, CARECIRCLE_VAULT_KEY).
"""

import os
import secrets
from pathlib import Path


def data_home() -> Path:
    home = Path(os.environ.get("CARECIRCLE_HOME") or Path.home() / ".carecircle").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def key_from_env_or_file(env_name: str, file_name: str, nbytes: int = 32) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    path = data_home() / file_name
    if not path.exists():
        # Written with O_EXCL so two processes starting together cannot create two keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()
