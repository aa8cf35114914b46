from django.urls import path

from homecoming.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("figures/", views.figure_list, name="figure_list"),
]
