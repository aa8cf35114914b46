from django.urls import path  # noqa: F401  (the routes below)

app_name = "programmes"

urlpatterns = [
    # Programmes
    # Policy versions
]
