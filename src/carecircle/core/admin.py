from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from carecircle.core import services, views
from carecircle.core.admin_audit import AuditedAdmin
from carecircle.core.models import ApiToken, AuditEvent, Region, RoleGrant, User
from carecircle.core.types import AuthedRequest

if TYPE_CHECKING:  # the stubs' admin classes are generic, Django's are not
    _RoleGrantInline = admin.TabularInline[RoleGrant, User]
    _PasswordChangeForm = AdminPasswordChangeForm[User]
    _UserAdmin = UserAdmin[User]
else:
    _RoleGrantInline, _PasswordChangeForm, _UserAdmin = (
        admin.TabularInline,
        AdminPasswordChangeForm,
        UserAdmin,
    )


class RoleGrantInline(_RoleGrantInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["region"]


# The admin's login is the platform's login view: the same lockout, counting, throttling, second
# factor and audit as every other way in (core/credentials.py), never Django's own form.
# (The view takes core.types.Request, which is what Django's HttpRequest is at run time.)
admin.site.login = views.login_view  # type: ignore[method-assign,assignment]  # Django's documented way to replace the admin's login


class PasswordSetForm(_PasswordChangeForm):
    """The admin's "set password" also revokes the account's API tokens."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        services.tokens_revoke_all(user=user, reason="password_set")
        return user


@admin.register(User)
class CareCircleUserAdmin(AuditedAdmin, _UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "display_name", "is_active", "totp_enabled"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("CareCircle", {"fields": ("display_name", "totp_enabled", "password_changed_at")}),
    )
    readonly_fields = ["totp_enabled", "password_changed_at"]
    change_password_form = PasswordSetForm
    actions = ["unlock", "reset_second_factor"]

    @admin.action(description=_("解除登录锁定"))
    def unlock(self, request: AuthedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_unlock(actor=request.user, user=user, request=request)

    @admin.action(description=_("重置动态口令（下次登录时重新启用）"))
    def reset_second_factor(self, request: AuthedRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.totp_reset(actor=request.user, user=user, request=request)

    def audit_detail(self, obj: User) -> dict[str, Any]:
        # The account's grants after the write (the admin logs after saving the inline rows).
        return {"grants": [f"{g.role}@{g.region_id}" for g in obj.grants.all()]} if obj.pk else {}


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "urban_rural"]
    search_fields = ["code", "name"]
    list_filter = ["level", "urban_rural"]
    raw_id_fields = ["parent"]


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdmin):
    """Read-only: the trail can be searched, never changed."""

    list_display = ["at", "username", "action", "object_type", "object_id", "purpose", "ip"]
    list_filter = ["action"]
    search_fields = ["username", "object_id", "purpose"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]


# Django's own Group model, registered again so that its writes are audited like every other.
admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass
