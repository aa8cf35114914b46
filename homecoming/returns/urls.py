from django.urls import path

from homecoming.returns import views, whatif_views

app_name = "returns"
urlpatterns = [
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/remind/", views.offers_remind_view, name="offers_remind"),
    path("offers/calls/", views.offer_calls, name="offer_calls"),
    path("offers/<int:offer_id>/answer/", views.offer_answer, name="offer_answer"),
    path("offers/<int:offer_id>/handover/", views.offer_handover, name="offer_handover"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/schedule/", views.cohorts_schedule_view, name="cohorts_schedule"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort_detail"),
    path(
        "cohorts/<int:cohort_id>/passengers.xlsx",
        views.cohort_passengers_export,
        name="cohort_passengers_export",
    ),
    path(
        "cohorts/<int:cohort_id>/confirm/", views.passengers_confirm_view, name="passengers_confirm"
    ),
    path("cohorts/<int:cohort_id>/depart/", views.cohort_depart_view, name="cohort_depart"),
    path(
        "passengers/<int:passenger_id>/answer/",
        views.passenger_answer_view,
        name="passenger_answer",
    ),
    path("households/<int:household_id>/follow-up/", views.follow_up_view, name="follow_up"),
    path(
        "households/<int:household_id>/steps/",
        views.household_steps_view,
        name="household_steps",
    ),
    path("policies/compare/", whatif_views.policy_compare, name="policy_compare"),
    path(
        "policies/compare/<slug:table>.<slug:extension>",
        whatif_views.policy_compare_export,
        name="policy_compare_export",
    ),
]
