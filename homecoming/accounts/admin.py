from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from homecoming.accounts.models import ApiToken, User
from homecoming.accounts.services import user_deactivate


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    """Users; "History" shows every change of role, districts and being active (never the
    password hash). Disabling an account ends its sessions and deletes its API tokens at once."""

    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Homecoming", {"fields": ["role", "districts"]})]
    filter_horizontal = ["districts", *BaseUserAdmin.filter_horizontal]
    history_list_display = ["role", "is_active"]
    actions = ["disable"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_deactivate(user=obj)

    @admin.action(description=_("Disable the selected accounts and end their sessions"))
    def disable(self, request, queryset) -> None:
        users = list(queryset)
        ended = sum(user_deactivate(user=user) for user in users)
        self.message_user(
            request,
            ngettext(
                "%(users)d account disabled, %(sessions)d session ended.",
                "%(users)d accounts disabled, %(sessions)d sessions ended.",
                len(users),
            )
            % {"users": len(users), "sessions": ended},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Every user's API tokens, to see and to revoke (delete). Only their owner makes them,
    after the second factor: the administrator cannot make one for someone else."""

    list_display = ["user", "name", "token_key", "created", "expiry"]
    list_filter = ["user__role"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "token_key", "created", "expiry"]
    readonly_fields = fields
    history_list_display = ["name", "expiry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
