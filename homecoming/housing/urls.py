from django.urls import path

from homecoming.housing import views

app_name = "housing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<str:code>/", views.project_detail, name="project_detail"),
    path("settlements/<str:code>/", views.settlement_housing, name="settlement_housing"),
]
