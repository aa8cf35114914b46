from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from homecoming.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Homecoming", {"fields": ["role", "districts"]})]
    filter_horizontal = ["districts", *BaseUserAdmin.filter_horizontal]
