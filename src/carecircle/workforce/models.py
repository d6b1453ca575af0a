"""Caregivers (护理员) and their certificates: 养老护理员 skill levels, 健康证, training.

A caregiver is employed by a home-care provider (`organisation_id`: a homecare.Provider id, the id a
core RoleGrant of organisation kind home-care provider carries) and is based in a region. Certificates hold for a period
(valid_from / valid_to), so "who was qualified on that day" has one answer after the fact."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.vault import EncryptedTextField


class Caregiver(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caregiver"
    )
    organisation_id = models.BigIntegerField(_("所属机构"), db_index=True)
    region_code = models.CharField(_("所在区域"), max_length=12, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    latitude = models.FloatField(_("驻点纬度"), null=True, blank=True)
    longitude = models.FloatField(_("驻点经度"), null=True, blank=True)
    employed_from = models.DateField(_("入职日期"))
    employed_to = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("护理员")
        verbose_name_plural = _("护理员")
        constraints = [
            models.CheckConstraint(
                condition=Q(employed_to__isnull=True) | Q(employed_to__gte=models.F("employed_from")),
                name="caregiver_employment_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class CertificateKind(models.TextChoices):
    ELDER_CARE = "elder_care", _("养老护理员职业技能等级证书")
    HEALTH = "health", _("健康证")
    TRAINING = "training", _("岗位培训合格证")
    NURSE = "nurse", _("护士执业证书")


class CertificateLevel(models.IntegerChoices):
    """养老护理员 skill levels (国家职业技能标准 2019), ascending skill."""

    GRADE5 = 1, _("五级/初级工")
    GRADE4 = 2, _("四级/中级工")
    GRADE3 = 3, _("三级/高级工")
    GRADE2 = 4, _("二级/技师")
    GRADE1 = 5, _("一级/高级技师")


class Certificate(models.Model):
    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="certificates")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(_("证书类别"), max_length=20, choices=CertificateKind.choices)
    level = models.PositiveSmallIntegerField(
        _("等级"), choices=CertificateLevel.choices, null=True, blank=True
    )
    number = models.CharField(_("证书编号"), max_length=60, blank=True)
    issuer = models.CharField(_("发证机构"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        constraints = [
            models.UniqueConstraint(
                fields=["caregiver", "kind", "valid_from"], name="certificate_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="certificate_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="elder_care") | Q(level__isnull=False),
                name="certificate_elder_care_level",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_from", "valid_to"], name="cert_kind_period")]

    def holds_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
