from django.urls import path

from homecoming.mineaction import views

app_name = "mineaction"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("hazard-areas/", views.hazard_list, name="hazard_list"),
    path("hazard-areas/<str:code>/", views.hazard_detail, name="hazard_detail"),
    path("map/", views.hazard_map, name="hazard_map"),
    path("hazard-areas.geojson", views.hazards_geojson, name="hazards_geojson"),
]
