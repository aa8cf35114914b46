from django.urls import path

from homecoming.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("public/", views.public_dashboard, name="public_dashboard"),
    path("figures/", views.figure_list, name="figure_list"),
    path("discrepancies/", views.discrepancy_list, name="discrepancy_list"),
    path(
        "discrepancies/<int:discrepancy_id>/annotate/",
        views.discrepancy_annotate,
        name="discrepancy_annotate",
    ),
]
