"""Deployment checks of Homecoming's own settings: `homecoming check --deploy` names them."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "testserver", "::1", "[::1]"})


@register(Tags.security, deploy=True)
def check_deployment(app_configs, **kwargs) -> list[Warning]:
    found = []
    if not settings.REQUIRE_TOTP:
        found.append(
            Warning(
                "The second factor is off: staff who read personal data sign in with a "
                "password alone.",
                hint="Remove HOMECOMING_REQUIRE_TOTP=false.",
                id="homecoming.W001",
            )
        )
    if set(settings.ALLOWED_HOSTS) <= LOCAL_HOSTS:
        found.append(
            Warning(
                "ALLOWED_HOSTS names no host but this machine's.",
                hint="Set ALLOWED_HOSTS to the host names the server answers to.",
                id="homecoming.W002",
            )
        )
    return found
