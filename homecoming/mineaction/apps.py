from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MineActionConfig(AppConfig):
    name = "homecoming.mineaction"
    verbose_name = _("Mine action")
