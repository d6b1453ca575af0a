"""Personal-data vault: encryption at rest, blind index, masking.

ID numbers, phones and addresses are stored as AES-256-GCM ciphertext under a key derived from
CARECIRCLE_VAULT_KEY; a keyed HMAC-SHA256 of the normalised ID number (the blind index) finds a
person without decrypting anything. Pages, API and exports show masked values; unmasking goes
through `registry.services.person_unmask`, which checks the permission and writes the audit row.
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
from django.db import models

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[AESGCM, bytes]:
    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master.encode())

    return AESGCM(derive(b"carecircle-vault-enc")), derive(b"carecircle-blind-index")


def encrypt(plaintext: str) -> str:
    if plaintext in (None, ""):
        return ""
    aead, _ = _keys(settings.VAULT_KEY)
    nonce = os.urandom(12)
    return _PREFIX + base64.b64encode(nonce + aead.encrypt(nonce, plaintext.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not a vault token")
    raw = base64.b64decode(token[len(_PREFIX) :])
    aead, _ = _keys(settings.VAULT_KEY)
    return aead.decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str) -> str:
    _, key = _keys(settings.VAULT_KEY)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


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
