"""Programmes in the admin site, and the programmes a user works on, assigned on the user's
page beside their districts (``Programme.users``: the relation is the programmes app's, so
the user's page is extended here rather than in accounts)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from homecoming.accounts.admin import UserAdmin
from homecoming.accounts.models import User
from homecoming.programmes.models import Phase, PolicyVersion, Programme


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name", "name_az", "name_ru"]
    filter_horizontal = ["origin_areas", "destination_areas", "users"]
    inlines = [PhaseInline]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    """Read only: versions are drafted and approved on the policy pages, by two people."""

    list_display = ["programme", "number", "status", "in_force_from"]
    list_filter = ["programme", "status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UserWithProgrammesForm(UserAdmin.form):
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=Programme.objects.order_by("pk"),
        required=False,
        widget=FilteredSelectMultiple(_("programmes"), is_stacked=False),
        help_text=_("The programmes whose households the user sees; none: every programme."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["programmes"].initial = list(self.instance.programmes.all())


class UserWithProgrammesAdmin(UserAdmin):
    form = UserWithProgrammesForm
    fieldsets = [
        *UserAdmin.fieldsets[:-1],
        ("Homecoming", {"fields": ["role", "districts", "programmes"]}),
    ]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Through each programme, so that its history keeps who was added or removed.
        user = form.instance
        now, chosen = set(user.programmes.all()), set(form.cleaned_data["programmes"])
        for programme in chosen - now:
            programme.users.add(user)
        for programme in now - chosen:
            programme.users.remove(user)


admin.site.unregister(User)
admin.site.register(User, UserWithProgrammesAdmin)
