"""Personal-data vault: encryption at rest, blind index, masking.

ID numbers, phones and addresses are stored as AES-256-GCM ciphertext under a key derived from
CARECIRCLE_VAULT_KEY; a keyed HMAC-SHA256 of the normalised ID number (the blind index) finds a
person without decrypting anything. Pages, API and exports show masked values; unmasking goes
through `registry.services.person_unmask`, which checks the permission and writes the audit row.

The database records the key's fingerprint; every start compares it with the key it was given
(core/keyring.py), and `carecircle vault rotate` re-encrypts everything under a new key
(core/keyrotation.py). A model whose column holds a blind index names it in
`VAULT_BLIND_INDEXES = {"index column": "encrypted source column"}` so that rotation recomputes it.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[AESGCM, bytes]:
    if not master:
        # Never encrypt under an empty key: the start check (core/keyring.py) says what to do.
        raise ImproperlyConfigured("未配置个人信息加密密钥（CARECIRCLE_VAULT_KEY 或密钥文件夹中的 vault.key）")

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master.encode())

    return AESGCM(derive(b"carecircle-vault-enc")), derive(b"carecircle-blind-index")


def fingerprint(master: str) -> str:
    """A value that identifies the key and reveals nothing about it (HKDF with its own label: no
    derived key of the vault can be computed from it). Stored in the database (core.VaultKeyState)."""
    if not master:
        return ""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"carecircle-vault-fingerprint").derive(
        master.encode()
    ).hex()


def encrypt_with(master: str, plaintext: str) -> str:
    if plaintext in (None, ""):
        return ""
    aead, _ = _keys(master)
    nonce = os.urandom(12)
    return _PREFIX + base64.b64encode(nonce + aead.encrypt(nonce, plaintext.encode(), None)).decode()


def decrypt_with(master: str, token: str) -> str:
    """Raises cryptography's InvalidTag when the token was encrypted under another key."""
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not a vault token")
    raw = base64.b64decode(token[len(_PREFIX) :])
    aead, _ = _keys(master)
    return aead.decrypt(raw[:12], raw[12:], None).decode()


def blind_index_with(master: str, value: str) -> str:
    _, key = _keys(master)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def encrypt(plaintext: str) -> str:
    return encrypt_with(settings.VAULT_KEY, plaintext)


def decrypt(token: str) -> str:
    return decrypt_with(settings.VAULT_KEY, token)


def blind_index(value: str) -> str:
    return blind_index_with(settings.VAULT_KEY, value)


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_address(value: str) -> str:
    if not value:
        return ""
    keep = min(7, max(1, len(value) // 3))
    return value[:keep] + "****"


class EncryptedTextField(models.TextField):
    """A text column holding vault ciphertext; the model attribute holds the plaintext."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return ""
        if isinstance(value, str) and value.startswith(_PREFIX):
            return value
        return encrypt(value)
