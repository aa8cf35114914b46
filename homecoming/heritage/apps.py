from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "homecoming.heritage"
    verbose_name = _("Heritage")
