from django.contrib import admin

from homecoming.places.models import Area, Settlement


class ReadOnlyAdmin(admin.ModelAdmin):
    """Places change through `homecoming import places`, which keeps codes stable."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_az", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_az"]


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_az", "kind", "district", "coordinates_approximate"]
    list_filter = ["kind", "district"]
    search_fields = ["code", "name", "name_az"]
