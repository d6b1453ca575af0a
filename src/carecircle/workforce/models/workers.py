"""The register of the workforce (issue 21): every person working in care, one row per employment.

A row (`Caregiver`, the name home care's orders, visits and dispatch events know it by) is one
person employed by one employer in one role for a period: home-care caregivers of a home-care
provider, the staff of institutions and centres (护理员, nurses, social workers, managers) and of
childcare (保育人员, 保健员, 育婴员, 园长). The employer is an organisation as core/organisations.py
names it: the pair (`employer_kind`, `organisation_id`); `unit_id` the facility (facilities.Facility)
where they work, when they work at one. The same person's rows are joined by `id_index` (the blind
index of their ID number): one person may not hold the same role at two employers at once (a unique
constraint over the open employments; services check closed periods). Training and integrity records
attach to a row's id (the worker id) and, across employers, to `id_index`.

Certificates hold for a period (valid_from / valid_to), so "who was qualified on that day" has one
answer after the fact; a staff member verifies one against evidence (`verified_by`, `evidence`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.organisations import OrganisationKind
from carecircle.core.vault import EncryptedTextField


class WorkerRole(models.TextChoices):
    HOME_CAREGIVER = "home_caregiver", _("居家护理员")
    CARER = "carer", _("养老护理员")
    NURSE = "nurse", _("护士")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    MANAGER = "manager", _("管理人员")
    CHILDCARE_CARER = "childcare_carer", _("保育人员")
    CHILD_HEALTH = "child_health", _("保健员")
    INFANT_CARER = "infant_carer", _("育婴员")
    DIRECTOR = "director", _("园长/托育机构负责人")


# The kinds of organisation a worker can be employed by (the register's employers).
EMPLOYER_KINDS = (
    OrganisationKind.HOMECARE_PROVIDER,
    OrganisationKind.FACILITY_OPERATOR,
    OrganisationKind.CHILDCARE_OPERATOR,
)


class Caregiver(models.Model):
    """One worker of the register (see the module docstring); the worker id is its pk."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caregiver"
    )
    employer_kind = models.CharField(
        _("用人单位类别"),
        max_length=24,
        choices=[(k.value, k.label) for k in EMPLOYER_KINDS],
        default=OrganisationKind.HOMECARE_PROVIDER,
    )
    organisation_id = models.BigIntegerField(_("所属机构"), db_index=True)
    unit_id = models.BigIntegerField(_("工作场所"), null=True, blank=True, db_index=True)
    role = models.CharField(
        _("岗位"), max_length=20, choices=WorkerRole.choices, default=WorkerRole.HOME_CAREGIVER
    )
    region_code = models.CharField(_("所在区域"), max_length=12, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    latitude = models.FloatField(_("驻点纬度"), null=True, blank=True)
    longitude = models.FloatField(_("驻点经度"), null=True, blank=True)
    employed_from = models.DateField(_("入职日期"))
    employed_to = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        constraints = [
            models.CheckConstraint(
                condition=Q(employed_to__isnull=True) | Q(employed_to__gte=models.F("employed_from")),
                name="caregiver_employment_ordered",
            ),
            models.UniqueConstraint(
                fields=["id_index", "role"],
                condition=Q(employed_to__isnull=True) & ~Q(id_index=""),
                name="worker_one_open_employment_per_role",
            ),
        ]
        indexes = [models.Index(fields=["employer_kind", "organisation_id"], name="worker_employer")]

    def __str__(self):
        return self.name


class CertificateKind(models.TextChoices):
    ELDER_CARE = "elder_care", _("养老护理员职业技能等级证书")
    HEALTH = "health", _("健康证")
    TRAINING = "training", _("岗位培训合格证")
    NURSE = "nurse", _("护士执业证书")
    CHILDCARE = "childcare", _("保育师职业技能等级证书")
    INFANT_CARE = "infant_care", _("育婴员职业技能等级证书")
    TEACHER = "teacher", _("教师资格证书")
    SOCIAL_WORK = "social_work", _("社会工作者职业资格证书")
    CHILD_HEALTH = "child_health", _("托幼机构卫生保健人员培训合格证")


class CertificateLevel(models.IntegerChoices):
    """养老护理员 skill levels (国家职业技能标准 2019), ascending skill."""

    GRADE5 = 1, _("五级/初级工")
    GRADE4 = 2, _("四级/中级工")
    GRADE3 = 3, _("三级/高级工")
    GRADE2 = 4, _("二级/技师")
    GRADE1 = 5, _("一级/高级技师")


# The levels each kind of certificate has (a level outside them is refused; a kind absent here has
# none): 养老护理员 国家职业技能标准(2019年版) five levels; 保育师 国家职业技能标准(2021年版) five
# levels; 育婴员 国家职业技能标准(2019年版) 五级/四级/三级. Licences (护士, 教师, 社工) and 健康证
# have no level.
LEVELS: dict[str, tuple[int, ...]] = {
    CertificateKind.ELDER_CARE: (1, 2, 3, 4, 5),
    CertificateKind.CHILDCARE: (1, 2, 3, 4, 5),
    CertificateKind.INFANT_CARE: (1, 2, 3),
}


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
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    evidence = models.CharField(_("核验依据"), max_length=300, blank=True)
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
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="certificate_level_range",
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | (Q(verified_by__isnull=False) & ~Q(evidence="")),
                name="certificate_verified_with_evidence",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_from", "valid_to"], name="cert_kind_period")]

    def holds_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
