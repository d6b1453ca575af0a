"""Personal-data vault: encryption at rest, blind index, masking.

ID numbers, phones and addresses are stored as AES-256-GCM ciphertext under a key derived from
CARECIRCLE_VAULT_KEY; a keyed HMAC-SHA256 of the normalised ID number (the blind index) finds a
person without decrypting anything. Pages, API and exports show masked values; unmasking goes
through `registry.services.person_unmask`, which checks the permission and writes the audit row.

The database records the key's fingerprint; every start compares it with the key it was given
(core/keyring.py), and `carecircle vault rotate` re-encrypts everything under a new key
(core/keyrotation.py). A model whose column holds a blind index names it in
`VAULT_BLIND_INDEXES = {"index column": "encrypted source column"}` so that rotation recomputes it;
a phone's blind index (`phone_index`, of the normalised number) is named in `VAULT_PHONE_INDEXES`.
"""

import base64
import hashlib
import hmac
import os
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[AESGCM, bytes]:
    if not master:
        # Never encrypt under an empty key: the start check (core/keyring.py) says what to do.
        raise ImproperlyConfigured(
            "未配置个人信息加密密钥（CARECIRCLE_VAULT_KEY 或密钥文件夹中的 vault.key）"
        )

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master.encode())

    return AESGCM(derive(b"carecircle-vault-enc")), derive(b"carecircle-blind-index")


def fingerprint(master: str) -> str:
    """A value that identifies the key and reveals nothing about it (HKDF with its own label: no
    derived key of the vault can be computed from it). Stored in the database (core.VaultKeyState)."""
    if not master:
        return ""
    return (
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"carecircle-vault-fingerprint")
        .derive(master.encode())
        .hex()
    )


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


def normalise_phone(value: str) -> str:
    """A phone number as its blind index reads it: digits only, without the country code (+86,
    0086) and without a trunk 0 dialled before a mobile number (013800001234). A landline keeps its
    area code with the 0 (0571-87654321 and +86 571 87654321 are both 057187654321)."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    for code in ("0086", "86"):
        if digits.startswith(code) and len(digits) - len(code) in (10, 11):
            rest = digits[len(code) :]
            mobile = len(rest) == 11 and rest.startswith("1")
            digits = rest if mobile or rest.startswith("0") else "0" + rest
            break
    if len(digits) == 12 and digits.startswith("01"):
        digits = digits[1:]
    return digits


def phone_index_with(master: str, value: str) -> str:
    """The blind index of a phone number ("" for none): equal for every way of writing one number."""
    digits = normalise_phone(value)
    if not digits:
        return ""
    _, key = _keys(master)
    return hmac.new(key, f"TEL:{digits}".encode(), hashlib.sha256).hexdigest()


def phone_index(value: str) -> str:
    return phone_index_with(settings.VAULT_KEY, value)


def encrypt(plaintext: str) -> str:
    return encrypt_with(settings.VAULT_KEY, plaintext)


def decrypt(token: str) -> str:
    return decrypt_with(settings.VAULT_KEY, token)


def blind_index(value: str) -> str:
    return blind_index_with(settings.VAULT_KEY, value)


# ---------------------------------------------------------------------------------------------
# The masking rule (issue 13, High 1). Masked is what every page, API response and export shows,
# to every user — also to those who hold `pii.unmask`, until they unmask one person with a purpose
# (`registry.services.person_unmask`, audited). What a masked view may show about a person:
#
#   ID number  the first 6 digits (the place of registration) and nothing else: 330106************
#   birth      the birth year and month (`shown_birth`), and ages counted from them (`shown_age`,
#              `shown_age_months`): every shown figure is a function of the year and month only, so
#              no combination of them (ages on different days, at past events) reveals the day
#   sex, region code (the community): in clear
#   phone      at least 4 digits hidden, whatever the length (`mask_phone`)
#   address    no character of the free text (`mask_address`); the community is what locates
#              the person; coordinates are not shown (`None`)
#
# Counting (GB 11643: 6 place + 8 birth date + 3 sequence, the last of which gives the sex, + 1
# check digit computed from the other 17): an attacker who knows everything above has the place,
# the sex and the birth month. The candidates are (days in the month, >= 28) x (sequences of the
# right parity, 500), each with its one check digit: at least 28 x 500 = 14,000 ID numbers, whatever
# else is shown beside the mask — the old mask (first 6 and last 4) fixed the sequence and check
# digit, which left 1 number once the birth date was shown beside it, and under 40 even with only
# the age. A phone keeps >= 4 hidden digits: >= 10,000 candidates. tests/core/test_masking_oracle.py
# walks every page, API operation and export as every staff role and enumerates the candidates.
# ---------------------------------------------------------------------------------------------
ID_SHOWN_DIGITS = 6
PHONE_HIDDEN_DIGITS = 4
MASKED_ADDRESS = "****"


def mask_id_number(value: str) -> str:
    value = (value or "").strip()
    if len(value) <= ID_SHOWN_DIGITS:
        return "*" * len(value)
    return value[:ID_SHOWN_DIGITS] + "*" * (len(value) - ID_SHOWN_DIGITS)


def mask_phone(value: str) -> str:
    """Digits only: a mobile number keeps its first 3 and last 4 (138****1234); a shorter number
    at most its last 4; never fewer than PHONE_HIDDEN_DIGITS hidden."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if not digits:
        return ""
    head = 3 if len(digits) >= 11 else 0
    tail = max(0, min(4, len(digits) - head - PHONE_HIDDEN_DIGITS))
    return digits[:head] + "*" * (len(digits) - head - tail) + (digits[len(digits) - tail :] if tail else "")


def mask_address(value: str) -> str:
    """Nothing of the free text: a building or room number next to the community narrows a home to
    a few dozen; the community (shown beside it as the region) is the finest place a mask shows."""
    return MASKED_ADDRESS if (value or "").strip() else ""


def shown_age_range(birth: date, day: date) -> str:
    """An exact age on `day` as a masked view may state it (an eligibility trace): one number, except
    in the birth month itself, where the exact age turns on the hidden day: "79～80"."""
    age = shown_age(birth, day)
    return f"{age - 1}～{age}" if day.month == birth.month and age > 0 else str(age)


def remask_phones(
    model: type[Model], plain: str = "phone", masked: str = "phone_masked", batch: int = 2000
) -> int:
    """For data migrations: recompute a stored masked phone from the encrypted one wherever the
    rule gives another value; returns how many rows changed."""
    last, changed = 0, 0
    while True:
        rows = list(
            model._default_manager.filter(pk__gt=last).order_by("pk").values_list("pk", plain, masked)[:batch]
        )
        if not rows:
            return changed
        last = rows[-1][0]
        fixed = [
            model(pk=pk, **{masked: mask_phone(value)}) for pk, value, old in rows if mask_phone(value) != old
        ]
        if fixed:
            model._default_manager.bulk_update(fixed, [masked])
            changed += len(fixed)


def shown_birth(birth: date | None) -> str:
    """The birth date as a masked view shows it: year and month."""
    return f"{birth:%Y-%m}" if birth else ""


def shown_age_months(birth: date, day: date) -> int:
    """Whole months from the birth month to the month of `day` (the day of birth is not used)."""
    return max(0, (day.year - birth.year) * 12 + day.month - birth.month)


def shown_age(birth: date, day: date) -> int:
    """Age in years counted from the birth month: a function of the birth year and month and of
    the month of `day` only (the exact age, which turns on the birthday, would tell the day)."""
    return shown_age_months(birth, day) // 12


if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    _TextField = models.TextField[str | Combinable, str]  # the stubs' field is generic; Django's is not
else:
    _TextField = models.TextField


class EncryptedTextField(_TextField):
    """A text column holding vault ciphertext; the model attribute holds the plaintext."""

    def from_db_value(self, value: str | None, expression: object, connection: BaseDatabaseWrapper) -> str:  # noqa: ARG002 — Django's field API
        return decrypt(value) if value else ""

    def get_prep_value(self, value: Any) -> str:  # Django hands a field any Python value
        value = super().get_prep_value(value)
        if value is None:
            return ""
        if isinstance(value, str) and value.startswith(_PREFIX):
            return value
        return encrypt(value)
