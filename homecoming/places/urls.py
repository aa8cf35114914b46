from django.urls import path

from homecoming.places import views

app_name = "places"
urlpatterns = [
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("settlements/<str:code>/", views.settlement_detail, name="settlement_detail"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("map/", views.settlement_map, name="settlement_map"),
    path("settlements.geojson", views.settlements_geojson, name="settlements_geojson"),
]
