from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "homecoming.core"
    verbose_name = "Homecoming core"
