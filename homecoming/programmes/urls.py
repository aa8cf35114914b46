from django.urls import path

from homecoming.programmes import policy_views, views

app_name = "programmes"

urlpatterns = [
    # Programmes
    path("", views.programme_list_view, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<slug:code>/", views.programme_detail, name="programme_detail"),
    path("<slug:code>/edit/", views.programme_edit, name="programme_edit"),
    path("<slug:code>/status/", views.programme_status, name="programme_status"),
    path("<slug:code>/phases/new/", views.phase_form, name="phase_create"),
    path("<slug:code>/phases/<int:phase_id>/", views.phase_form, name="phase_edit"),
    # Policy versions
    path("<slug:code>/policy/", policy_views.policy_list, name="policy_list"),
    path("<slug:code>/policy/draft/", policy_views.policy_draft_view, name="policy_draft"),
    path("<slug:code>/policy/<int:number>/", policy_views.policy_detail, name="policy_detail"),
    path("<slug:code>/policy/<int:number>/edit/", policy_views.policy_edit, name="policy_edit"),
    path(
        "<slug:code>/policy/<int:number>/approve/",
        policy_views.policy_approve_view,
        name="policy_approve",
    ),
]
