from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords


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
    # Role, districts, being active: every change kept. Never the password hash.
    history = HistoricalRecords(excluded_fields=["password"], m2m_fields=[districts])


class AccessLog(models.Model):
    """One read of personal data, or one refused attempt at it: who, when, what, from where.
    The auditor searches it. Written only by ``accounts/middleware.py: AccessLogMiddleware``."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        SEARCH = "search", _("Searched")
        EXPORT = "export", _("Exported")
        API = "api", _("Read through the API")
        HISTORY = "history", _("Read its audit trail")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    record = models.CharField(
        _("record"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_(
            "The household reference, or the page and its filters; for a refusal, the "
            "address asked for."
        ),
    )
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access to personal data")

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.record}"


class ApiToken(AbstractAuthToken):
    """A key for the API, named by its owner (django-rest-knox's token, ``KNOX_TOKEN_MODEL``).

    Only the SHA-512 digest of the key is kept, and its first characters (``token_key``) to
    find it; the key itself is shown once, when it is made. Each token expires.
    """

    # A plain number identifies a token in pages and the admin site, not its digest.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the program using it.")
    )
    # Who made and revoked which token, and when; never the digest.
    history = HistoricalRecords(excluded_fields=["digest", "token_key"])

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.user} {self.name}"


# Where access.district_scope keeps the ids of a loaded user's districts.
DISTRICTS_READ = "_district_ids"


@receiver(m2m_changed, sender=User.districts.through)
def districts_changed(sender, instance, **kwargs) -> None:
    """Forget the districts read for ``instance`` when they change through it."""
    instance.__dict__.pop(DISTRICTS_READ, None)


# Where access.programme_scope keeps the ids of a loaded user's programmes.
PROGRAMMES_READ = "_programme_ids"


@receiver(m2m_changed)
def programmes_changed(sender, instance, **kwargs) -> None:
    """Forget the programmes read for ``instance`` when they change through it
    (``user.programmes``: the relation is the programmes app's, named here by its label)."""
    if isinstance(instance, User) and sender._meta.label_lower == "programmes.programme_users":
        instance.__dict__.pop(PROGRAMMES_READ, None)
