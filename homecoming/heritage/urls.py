from django.urls import path

from homecoming.heritage import views

app_name = "heritage"
urlpatterns = [
    path("", views.monuments, name="monument_list"),
    path("<str:registry_number>/", views.monument_detail, name="monument_detail"),
]
