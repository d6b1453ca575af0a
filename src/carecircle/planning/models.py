"""Indicators (defined as data), their targets and snapshots; road networks, 15-minute coverage
runs and site-selection runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core import regions


class Direction(models.TextChoices):
    UP = "up", _("越高越好")
    DOWN = "down", _("越低越好")


class Indicator(models.Model):
    """An indicator: value = numerator / denominator × scale, both named computations over the
    platform's own records (planning/computations.py), or entered by hand when `numerator` is empty."""

    code = models.CharField(_("指标代码"), max_length=40, unique=True)
    name = models.CharField(_("指标名称"), max_length=120)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    domain = models.CharField(_("领域"), max_length=20, default="elder")  # elder | infant | base
    numerator = models.CharField(_("分子"), max_length=80, blank=True)
    denominator = models.CharField(_("分母"), max_length=80, blank=True)
    scale = models.FloatField(_("倍数"), default=1)
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices, default=Direction.UP)
    lowest_level = models.PositiveSmallIntegerField(
        _("适用的最低层级"), choices=list(regions.LEVEL_NAMES.items()), default=regions.STREET
    )
    source = models.CharField(_("出处"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self):
        return self.name

    @property
    def computed(self) -> bool:
        return bool(self.numerator)


class IndicatorTarget(models.Model):
    """The target of an indicator for one year in one region (and, unless a more specific target
    exists, every region below it)."""

    class Op(models.TextChoices):
        GE = ">=", "≥"
        GT = ">", ">"
        LE = "<=", "≤"
        LT = "<", "<"
        UP = "up", _("持续提升")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    region_code = models.CharField(_("区域"), max_length=12, db_index=True)
    year = models.PositiveSmallIntegerField(_("目标年份"))
    value = models.FloatField(_("目标值"), null=True, blank=True)
    op = models.CharField(_("比较"), max_length=4, choices=Op.choices, default=Op.GE)
    text = models.CharField(_("原文"), max_length=60, blank=True)
    source = models.CharField(_("出处"), max_length=300)

    class Meta:
        ordering = ["indicator", "region_code", "year"]
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region_code", "year"], name="planning_target_unique"
            ),
        ]


class IndicatorValue(models.Model):
    """A snapshot of an indicator in one region on one day: computed, or entered by hand with a source."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    region_code = models.CharField(max_length=12, db_index=True)
    day = models.DateField(_("日期"))
    value = models.FloatField(_("数值"), null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    manual = models.BooleanField(_("人工填报"), default=False)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "region_code", "day"]
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region_code", "day"], name="planning_value_unique"),
        ]
        indexes = [models.Index(fields=["region_code", "day"], name="planning_value_region_day")]


class RoadNetwork(models.Model):
    """A walking network; its arrays (node coordinates, edges, lengths in metres) live in an .npz
    file under $CARECIRCLE_HOME/planning/."""

    name = models.CharField(_("名称"), max_length=100)
    region_code = models.CharField(_("覆盖区域"), max_length=12, db_index=True)
    source = models.CharField(_("来源"), max_length=300)
    file_name = models.CharField(max_length=200)
    node_count = models.PositiveIntegerField(_("节点数"))
    edge_count = models.PositiveIntegerField(_("路段数"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("步行路网")
        verbose_name_plural = _("步行路网")


class CoverageRun(models.Model):
    """Walking time from every home of a group to the nearest facility of a kind, on one day."""

    network = models.ForeignKey(RoadNetwork, on_delete=models.CASCADE, related_name="runs")
    region_code = models.CharField(max_length=12, db_index=True)
    kind = models.CharField(_("设施类型"), max_length=40)
    group = models.CharField(_("人群"), max_length=10)  # elder | infant
    day = models.DateField(_("日期"))
    minutes = models.PositiveSmallIntegerField(_("步行分钟"), default=15)
    speed_m_per_min = models.FloatField(_("步行速度(米/分钟)"), default=75)
    facilities = models.PositiveIntegerField(default=0)
    population = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("十五分钟覆盖测算")
        verbose_name_plural = _("十五分钟覆盖测算")

    @property
    def share(self) -> float | None:
        return self.covered / self.population if self.population else None


class CoverageArea(models.Model):
    """The result of a run for one region of the hierarchy (every level inside the run's region)."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="areas")
    region_code = models.CharField(max_length=12, db_index=True)
    population = models.PositiveIntegerField()
    covered = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "region_code"], name="planning_area_unique")]


class CoverageCell(models.Model):
    """Uncovered homes of a run counted on an H3 cell, per community (so it can be scoped)."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="cells")
    region_code = models.CharField(max_length=12, db_index=True)
    h3 = models.CharField(max_length=16)
    uncovered = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "region_code", "h3"], name="planning_cell_unique")
        ]


class SitingRun(models.Model):
    """A maximal-covering choice of new sites (greedy and exact) with its before/after figures."""

    coverage = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="sitings")
    region_code = models.CharField(max_length=12, db_index=True)
    new_sites = models.PositiveSmallIntegerField(_("新增站点数"))
    candidates = models.CharField(_("候选点"), max_length=20)  # communities | nodes
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("选址测算")
        verbose_name_plural = _("选址测算")
        constraints = [models.CheckConstraint(condition=Q(new_sites__gte=1), name="planning_siting_positive")]
