"""Configuration in the admin: catalogue, providers with areas and prices, guide prices, cost-sharing
rules and per-region policies. Orders, visits and statements change only through the services
(scope and audit), so they are not editable here."""

from django.contrib import admin

from carecircle.core.admin_audit import AuditedAdmin
from carecircle.homecare.models import (
    CostShareLine,
    CostShareRule,
    FundingRule,
    GuidePrice,
    Provider,
    ProviderArea,
    ProviderPrice,
    ServiceCategory,
    ServiceItem,
    ServicePolicy,
)


class ItemInline(admin.TabularInline):
    model = ServiceItem
    extra = 0
    fields = [
        "code",
        "name",
        "unit",
        "duration_minutes",
        "basic_list",
        "min_level",
        "needs_health_certificate",
        "cancel_notice_hours",
        "active",
    ]


@admin.register(ServiceCategory)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "order", "meal_help"]
    inlines = [ItemInline]


@admin.register(ServiceItem)
class ItemAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "unit",
        "duration_minutes",
        "basic_list",
        "min_level",
        "active",
    ]
    list_filter = ["category", "basic_list", "active"]


class AreaInline(admin.TabularInline):
    model = ProviderArea
    extra = 0


class PriceInline(admin.TabularInline):
    model = ProviderPrice
    extra = 0


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    list_display = ["name", "licence_no", "region_code", "credit_grade", "active"]
    search_fields = ["name", "licence_no"]
    inlines = [AreaInline, PriceInline]


@admin.register(GuidePrice)
class GuidePriceAdmin(AuditedAdmin):
    list_display = ["region_code", "item", "price", "valid_from", "valid_to"]


class ShareLineInline(admin.TabularInline):
    model = CostShareLine
    extra = 0


@admin.register(CostShareRule)
class CostShareRuleAdmin(AuditedAdmin):
    list_display = ["name", "region_code", "category", "valid_from", "valid_to"]
    inlines = [ShareLineInline]


@admin.register(ServicePolicy)
class PolicyAdmin(AuditedAdmin):
    list_display = [
        "region_code",
        "evv_max_distance_m",
        "evv_min_duration_ratio",
        "complaint_deadline_hours",
        "escalate_before_minutes",
        "travel_speed_kmh",
    ]


@admin.register(FundingRule)
class FundingRuleAdmin(AuditedAdmin):
    list_display = ["programme_code", "category", "basic_list_only", "source"]
