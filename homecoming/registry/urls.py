from django.urls import path

from homecoming.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/export.csv", views.household_export, name="household_export"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
]
