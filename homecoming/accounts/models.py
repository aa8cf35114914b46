from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    REGISTRATION_OFFICER = "registration_officer", _("Registration officer")
    RETURN_PLANNER = "return_planner", _("Return planner")
    MINE_ACTION = "mine_action", _("Mine-action data manager")
    RECONSTRUCTION = "reconstruction", _("Reconstruction data manager")
    MONITORING_EDITOR = "monitoring_editor", _("Monitoring editor")
    AUDITOR = "auditor", _("Auditor")
    VIEWER = "viewer", _("Viewer")


class User(AbstractUser):
    """A person who signs in. What they may do comes from ``role``; where, from ``districts``.

    A user with no districts works nationally, except a registration officer, who
    sees nothing until given a district (see ``homecoming.accounts.access``).
    """

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)
    districts = models.ManyToManyField(
        "places.Area",
        blank=True,
        related_name="+",
        limit_choices_to={"level": "district"},
        help_text=_("The districts whose records this user works on; empty means all."),
    )
