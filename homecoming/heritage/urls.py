from django.urls import path

from homecoming.heritage import views

app_name = "heritage"
urlpatterns = [
    path("", views.monuments, name="monument_list"),
    path("photos/<int:photo_id>/", views.photo_file, name="photo"),
    path("<str:registry_number>/photos/", views.photo_add, name="photo_add"),
    path("<str:registry_number>/", views.monument_detail, name="monument_detail"),
]
