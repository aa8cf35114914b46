from django.urls import path

from homecoming.registry import views

app_name = "registry"
urlpatterns = [
    path("households/new/", views.household_register, name="household_register"),
    path("households/<int:household_id>/verify/", views.household_verify, name="household_verify"),
    path(
        "households/<int:household_id>/reinstate/",
        views.household_reinstate,
        name="household_reinstate",
    ),
    path(
        "households/<int:household_id>/intention/",
        views.household_intention,
        name="household_intention",
    ),
    path(
        "households/<int:household_id>/consent/", views.household_consent, name="household_consent"
    ),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_id>/change-origin/", views.change_origin, name="change_origin"),
    path("households/<int:household_id>/members/new/", views.member_add, name="member_add"),
    path(
        "households/<int:household_id>/members/<int:member_id>/edit/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "households/<int:household_id>/members/<int:member_id>/end/",
        views.member_end,
        name="member_end",
    ),
    path(
        "households/<int:household_id>/members/<int:member_id>/documents/new/",
        views.document_add,
        name="document_add",
    ),
    path(
        "households/<int:household_id>/documents/<int:document_id>/",
        views.document_change,
        name="document_change",
    ),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:candidate_id>/", views.duplicate_detail, name="duplicate_detail"),
    path("field-submissions/", views.field_submission_list, name="field_submission_list"),
    path("field-forms/", views.field_form_list, name="field_form_list"),
    path("field-forms/xlsform/", views.field_form_xlsform, name="field_form_xlsform"),
    path("field-forms/<int:form_id>/revoke/", views.field_form_revoke, name="field_form_revoke"),
    path(
        "field-submissions/<int:submission_id>/",
        views.field_submission_detail,
        name="field_submission_detail",
    ),
    path(
        "field-submissions/<int:submission_id>/decide/",
        views.field_submission_decide,
        name="field_submission_decide",
    ),
    path("changes/", views.change_request_list, name="change_request_list"),
    path(
        "changes/<int:request_id>/decide/",
        views.change_request_decide,
        name="change_request_decide",
    ),
]
