"""Facilities of the 一老一小 system: institutions, centres, canteens, childcare places; their filing
(备案) history, grades, bed register, admissions and the waiting lists of public institutions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    NURSING_PUBLIC = "nursing_public", _("养老机构（公办）")
    NURSING_PPP = "nursing_ppp", _("养老机构（公建民营）")
    NURSING_PRIVATE = "nursing_private", _("养老机构（民办）")
    STREET_CENTRE = "street_centre", _("街道(镇)居家养老服务中心")
    COMMUNITY_CENTRE = "community_centre", _("社区(村)照料中心")
    CANTEEN = "canteen", _("老年食堂/助餐点")
    RURAL_MUTUAL = "rural_mutual", _("农村互助点/幸福大院")
    DEMENTIA_UNIT = "dementia_unit", _("认知障碍照护专区")
    CHILDCARE_CENTRE = "childcare_centre", _("托育机构")
    KINDERGARTEN_CLASS = "kindergarten_class", _("幼儿园托班")
    EMBEDDED_CHILDCARE = "embedded_childcare", _("嵌入式/单位办托")
    GROWTH_STATION = "growth_station", _("婴幼儿成长驿站")
    ELDER_UNIVERSITY = "elder_university", _("老年大学")
    ACTIVITY_CENTRE = "activity_centre", _("老年活动中心")


INSTITUTION_KINDS = {FacilityKind.NURSING_PUBLIC, FacilityKind.NURSING_PPP, FacilityKind.NURSING_PRIVATE}
# Institutions whose admissions go through the published waiting list (Jiaxing 二(三)9: 入住轮候制度).
PUBLIC_KINDS = {FacilityKind.NURSING_PUBLIC, FacilityKind.NURSING_PPP}
BED_KINDS = INSTITUTION_KINDS | {FacilityKind.DEMENTIA_UNIT, FacilityKind.STREET_CENTRE}
CENTRE_KINDS = {FacilityKind.STREET_CENTRE, FacilityKind.COMMUNITY_CENTRE}
CHILDCARE_KINDS = {
    FacilityKind.CHILDCARE_CENTRE,
    FacilityKind.KINDERGARTEN_CLASS,
    FacilityKind.EMBEDDED_CHILDCARE,
    FacilityKind.GROWTH_STATION,
}


class FilingStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    RETURNED = "returned", _("已退回")
    FILED = "filed", _("已备案运营")
    CLOSED = "closed", _("已关闭")


class Operator(models.Model):
    """The body that runs facilities (运营主体). A provider admin whose grant names an organisation of
    kind facility operator (or childcare operator) with this id sees and files only this operator's
    facilities (core/organisations.py)."""

    name = models.CharField(_("名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region_code = models.CharField(_("注册地"), max_length=12, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("运营主体")
        verbose_name_plural = _("运营主体")

    def __str__(self):
        return self.name


class Facility(models.Model):
    kind = models.CharField(_("类型"), max_length=24, choices=FacilityKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("运营主体")
    )
    licence = models.CharField(_("许可/登记证号"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    region_code = models.CharField(_("所属社区"), max_length=12, db_index=True)
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    services = models.JSONField(_("服务项目"), default=list, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(
        _("备案状态"),
        max_length=10,
        choices=FilingStatus.choices,
        default=FilingStatus.PENDING,
        db_index=True,
    )
    filing_number = models.CharField(_("备案编号"), max_length=30, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    # Declared capacity. Beds are disjoint: total = general + nursing-type + cognitive-care.
    beds_general = models.PositiveIntegerField(_("普通床位"), default=0)
    beds_nursing = models.PositiveIntegerField(_("护理型床位"), default=0)
    beds_cognitive = models.PositiveIntegerField(_("认知症照护床位"), default=0)
    childcare_places = models.PositiveIntegerField(_("托位"), default=0)
    childcare_places_puhui = models.PositiveIntegerField(_("普惠托位"), default=0)
    childcare_fee_monthly = models.DecimalField(
        _("普惠托位月收费(元)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    staff_count = models.PositiveIntegerField(_("工作人员"), default=0)
    caregiver_count = models.PositiveIntegerField(_("护理/保育人员"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("设施")
        verbose_name_plural = _("设施")
        ordering = ["region_code", "kind", "name"]
        indexes = [models.Index(fields=["status", "kind", "region_code"], name="facility_status_kind_region")]
        constraints = [
            models.CheckConstraint(
                condition=Q(childcare_places_puhui__lte=models.F("childcare_places")),
                name="facility_puhui_within_places",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="facility_coordinates_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def beds_total(self) -> int:
        return self.beds_general + self.beds_nursing + self.beds_cognitive

    @property
    def is_operating(self) -> bool:
        return self.status == FilingStatus.FILED


class FilingKind(models.TextChoices):
    NEW = "new", _("新设备案")
    CHANGE = "change", _("变更备案")
    CLOSURE = "closure", _("注销（关闭）备案")


class FilingState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Filing(models.Model):
    """One application to file a facility, a change or a closure; kept forever as its history."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="filings")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=FilingKind.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=FilingState.choices, default=FilingState.PENDING
    )
    changes = models.JSONField(_("申报内容"), default=dict, blank=True)
    documents = models.JSONField(_("提交材料"), default=dict, blank=True)  # document code -> reference/number
    note = models.CharField(_("说明"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("备案申请")
        verbose_name_plural = _("备案申请")
        constraints = [
            models.UniqueConstraint(
                fields=["facility"], condition=Q(state="pending"), name="filing_one_pending"
            ),
        ]


class GradeScheme(models.TextChoices):
    CENTRE = "centre", _("居家养老服务中心等级（5A/4A/3A）")
    STAR = "star", _("养老机构等级（GB/T 37276-2018）")


class GradeLevel(models.Model):
    """A grade of a scheme with its thresholds (data, editable): total points and each section's
    minimum share of its maximum."""

    scheme = models.CharField(_("评定体系"), max_length=10, choices=GradeScheme.choices)
    code = models.CharField(_("等级代码"), max_length=10)
    label = models.CharField(_("等级"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("高低"))
    min_total = models.DecimalField(_("总分不低于"), max_digits=6, decimal_places=1)
    min_section_share = models.DecimalField(_("每一分项不低于(比例)"), max_digits=4, decimal_places=2)
    valid_years = models.PositiveSmallIntegerField(_("有效期(年)"), default=3)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["scheme", "-rank"]
        verbose_name = _("等级标准")
        verbose_name_plural = _("等级标准")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="gradelevel_unique")]

    def __str__(self):
        return self.label


class GradeSubsidy(models.Model):
    """The yearly subsidy a grade brings to a facility kind, as a MINIMUM (Jiaxing 二(二)7 每年给予不低于…):
    an evaluation records it or more (services.evaluation_record). grade_code "*" = any grade or
    none, i.e. every normally operating facility of that kind (street centres); what a centre is
    due is computed in facilities/subsidies.py."""

    kind = models.CharField(_("设施类型"), max_length=24, choices=FacilityKind.choices)
    grade_code = models.CharField(_("等级代码"), max_length=10)
    amount = models.DecimalField(_("每年补助(元)"), max_digits=12, decimal_places=2)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("等级补助标准")
        verbose_name_plural = _("等级补助标准")
        constraints = [models.UniqueConstraint(fields=["kind", "grade_code"], name="gradesubsidy_unique")]


class Evaluation(models.Model):
    """One evaluation of a facility on a scheme's form; the resulting grade holds from valid_from to valid_to."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="evaluations")
    region_code = models.CharField(max_length=12, db_index=True)
    scheme = models.CharField(_("评定体系"), max_length=10, choices=GradeScheme.choices)
    scores = models.JSONField(_("分项得分"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    grade = models.ForeignKey(
        GradeLevel, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("评定等级")
    )
    evaluated_on = models.DateField(_("评定日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    yearly_subsidy = models.DecimalField(
        _("年度补助(元)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    reasons = models.TextField(_("评定说明"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = _("等级评定")
        verbose_name_plural = _("等级评定")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "scheme", "evaluated_on"], name="evaluation_unique_day"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="evaluation_period_ordered"
            ),
        ]


class BedKind(models.TextChoices):
    GENERAL = "general", _("普通床位")
    NURSING = "nursing", _("护理型床位")
    COGNITIVE = "cognitive", _("认知症照护床位")


class Bed(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="beds")
    region_code = models.CharField(max_length=12, db_index=True)
    code = models.CharField(_("床位号"), max_length=20)
    kind = models.CharField(_("类型"), max_length=10, choices=BedKind.choices)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["facility", "code"]
        verbose_name = _("床位")
        verbose_name_plural = _("床位")
        constraints = [models.UniqueConstraint(fields=["facility", "code"], name="bed_unique_code")]

    def __str__(self):
        return self.code


class Stay(models.Model):
    """A resident's stay in a bed: admitted_on .. discharged_on (open while living there)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="stays")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="facility_stays")
    region_code = models.CharField(max_length=12, db_index=True)  # the facility's community
    admitted_on = models.DateField(_("入住日期"))
    discharged_on = models.DateField(_("离院日期"), null=True, blank=True)
    discharge_reason = models.CharField(_("离院原因"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        constraints = [
            models.UniqueConstraint(
                fields=["bed"], condition=Q(discharged_on__isnull=True), name="stay_one_per_bed"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(discharged_on__isnull=True), name="stay_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="stay_period_ordered",
            ),
        ]


class WaitingRule(models.Model):
    """The published priority rule of a waiting list (data): an ordered list of criteria, each
    {"key": one of waiting.CRITERIA, "order": "desc"|"asc", optional params}. The rule that applies
    to a facility is its own, else the default (facility null) in force."""

    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.CASCADE, related_name="waiting_rules"
    )
    name = models.CharField(_("名称"), max_length=100)
    criteria = models.JSONField(_("排序规则"))
    published_text = models.TextField(_("公开说明"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("轮候规则")
        verbose_name_plural = _("轮候规则")


class WaitingState(models.TextChoices):
    WAITING = "waiting", _("轮候中")
    OFFERED = "offered", _("已通知入住")
    ADMITTED = "admitted", _("已入住")
    WITHDRAWN = "withdrawn", _("已撤销")


class WaitingEntry(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="waiting")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="facility_waiting")
    region_code = models.CharField(max_length=12, db_index=True)  # the facility's community
    person_region_code = models.CharField(max_length=12, db_index=True)
    applied_at = models.DateTimeField(_("申请时间"))
    state = models.CharField(
        _("状态"), max_length=10, choices=WaitingState.choices, default=WaitingState.WAITING
    )
    bed_kind = models.CharField(
        _("所需床位"), max_length=10, choices=BedKind.choices, default=BedKind.GENERAL
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["applied_at", "id"]
        verbose_name = _("轮候登记")
        verbose_name_plural = _("轮候登记")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "person"],
                condition=Q(state__in=["waiting", "offered"]),
                name="waiting_one_open_per_facility",
            ),
        ]


class OfferResponse(models.TextChoices):
    OPEN = "open", _("待答复")
    ACCEPTED = "accepted", _("接受")
    DECLINED = "declined", _("放弃")


class Offer(models.Model):
    entry = models.ForeignKey(WaitingEntry, on_delete=models.CASCADE, related_name="offers")
    region_code = models.CharField(max_length=12, db_index=True)
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="offers")
    rank = models.PositiveIntegerField(_("通知时排位"))
    reason = models.TextField(_("排位依据"))
    offered_at = models.DateTimeField(_("通知时间"))
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.CharField(
        _("答复"), max_length=10, choices=OfferResponse.choices, default=OfferResponse.OPEN
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("放弃原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("入住通知")
        verbose_name_plural = _("入住通知")
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(response="open"), name="offer_one_open_per_entry"
            ),
            models.UniqueConstraint(
                fields=["bed"], condition=Q(response="open"), name="offer_one_open_per_bed"
            ),
        ]
