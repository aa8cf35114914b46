from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "homecoming.housing"
    verbose_name = _("Reconstruction and housing")
