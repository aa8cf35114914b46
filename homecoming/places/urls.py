from django.urls import path

from homecoming.places import views

# Included under the "places" namespace together with the settlement and area pages
# (homecoming/urls.py: place_patterns).
urlpatterns = [
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("settlements/choices/", views.settlement_choices, name="settlement_choices"),
    path("map/", views.settlement_map, name="settlement_map"),
    path("settlements.geojson", views.settlements_geojson, name="settlements_geojson"),
]
