from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from carecircle.core.admin_audit import AuditedAdmin
from carecircle.core.vault import shown_birth
from carecircle.registry.models import ImportJob, Person, PersonStatus


class StatusInline(admin.TabularInline):
    model = PersonStatus
    extra = 0
    can_delete = False
    fields = ["kind", "valid_from", "valid_to", "source"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    """View only, masked values only: changes go through the staff pages, which check scope and
    write the audit trail; unmasking too."""

    list_display = ["name", "sex", "birth_month", "id_masked", "phone_masked", "region_code"]
    search_fields = ["name", "region_code"]
    fields = [
        "name",
        "sex",
        "birth_month",
        "id_masked",
        "phone_masked",
        "address_masked",
        "region_code",
        "source",
    ]
    readonly_fields = ["sex", "birth_month", "id_masked", "phone_masked", "address_masked"]
    inlines = [StatusInline]

    @admin.display(description=_("出生年月"))
    def birth_month(self, obj):
        return shown_birth(obj.birth_date)  # masked like every other view (core/vault.py)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(AuditedAdmin):
    list_display = ["file_name", "created_by", "created_at", "state", "created_count", "rejected_count"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
