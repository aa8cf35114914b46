from django.urls import path

from homecoming.programmes import policy_views

app_name = "programmes"

urlpatterns = [
    # Programmes
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
