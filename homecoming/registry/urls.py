from django.urls import path

from homecoming.registry import views

app_name = "registry"
urlpatterns = [
    path("households/new/", views.household_register, name="household_register"),
    path("households/<int:household_id>/verify/", views.household_verify, name="household_verify"),
    path(
        "households/<int:household_id>/withdraw/",
        views.household_withdraw,
        name="household_withdraw",
    ),
    path(
        "households/<int:household_id>/intention/",
        views.household_intention,
        name="household_intention",
    ),
    path(
        "households/<int:household_id>/consent/", views.household_consent, name="household_consent"
    ),
    path("households/<int:household_id>/change-origin/", views.change_origin, name="change_origin"),
    path(
        "households/<int:household_id>/change-membership/",
        views.change_membership,
        name="change_membership",
    ),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:candidate_id>/", views.duplicate_detail, name="duplicate_detail"),
    path(
        "duplicates/<int:candidate_id>/resolve/", views.duplicate_resolve, name="duplicate_resolve"
    ),
    path("changes/", views.change_request_list, name="change_request_list"),
    path(
        "changes/<int:request_id>/decide/",
        views.change_request_decide,
        name="change_request_decide",
    ),
]
