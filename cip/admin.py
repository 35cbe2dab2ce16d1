"""Reference data of the CI app for `mnd_admin`: sectors, sub-sectors and the risk matrix.

Assets, assessments and plans are edited in the portal's own pages, where scope applies.
"""

from django.contrib import admin

from .models import RiskMatrix, Sector, SubSector


class SubSectorInline(admin.TabularInline):
    model = SubSector
    extra = 0
    fields = ["code", "name_zh", "name_en", "sort_order"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "ministry", "sort_order"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [SubSectorInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # codes are stable public keys

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskMatrix)
class RiskMatrixAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "medium_from", "high_from", "critical_from", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # assessments keep the matrix they were rated on
