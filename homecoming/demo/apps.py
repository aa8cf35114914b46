from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "homecoming.demo"
    verbose_name = "Homecoming demo"
