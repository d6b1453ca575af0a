"""Residents' accounts: the profile an account keeps (its phone, its 长辈模式 choice) and the
one-time codes sent to a phone for signing in.

The links between a family account and the people it acts for are registry rows
(`registry.FamilyContact`: `link_state`, the consent and the evidence), so that the registry's one
selector of linked people (`registry.selectors.family_persons`) reads them without knowing the portal.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.vault import EncryptedTextField


class ResidentProfile(models.Model):
    """What a resident account keeps: its phone (encrypted, found by its blind index: one account
    per phone) and its 长辈模式 choice (None: not chosen, the page's default applies)."""

    VAULT_PHONE_INDEXES = {"phone_hash": "phone"}  # core.vault.phone_index, recomputed by a key rotation

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_profile"
    )
    region_code = models.CharField(_("所属社区"), max_length=12, blank=True, db_index=True)
    phone = EncryptedTextField(_("手机号"), blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    elder_mode = models.BooleanField(_("长辈模式"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("居民账号资料")
        verbose_name_plural = _("居民账号资料")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~Q(phone_hash=""), name="resident_profile_one_per_phone"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class SignInCode(models.Model):
    """A one-time code sent to a phone: 6 digits, stored as a keyed hash, good once and for
    CARECIRCLE_PHONE_CODE_MINUTES. The rows are also the data the sending limits count (per phone and
    per client address within CARECIRCLE_PHONE_CODE_WINDOW_MINUTES)."""

    phone_hash = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    message_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [
            models.Index(fields=["phone_hash", "created_at"], name="signin_code_phone"),
            models.Index(fields=["address", "created_at"], name="signin_code_address"),
        ]
