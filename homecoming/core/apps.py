from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "homecoming.core"
    verbose_name = "Homecoming core"

    def ready(self) -> None:
        # Connects the audit trail's reason for changes made by imports and commands.
        from homecoming.core import audit  # noqa: F401
