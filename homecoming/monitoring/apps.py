from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "homecoming.monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        # Registers the check that the relations file reads against the catalogue.
        from homecoming.monitoring import checks  # noqa: F401
