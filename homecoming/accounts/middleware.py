"""Second step of signing in: a one-time password for the roles that need one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from homecoming.accounts.access import totp_required

# Pages a signed-in user reaches before the second step: signing in and out, the second
# step itself, the language switch and the health check.
_BEFORE_SECOND_STEP = frozenset(
    {"login", "logout", "totp_verify", "totp_enrol", "set_language", "health"}
)


def second_factor_required(view: Callable) -> Callable:
    """Mark a page that every user reaches only after the second factor, whatever their role,
    when ``REQUIRE_TOTP`` is on: making an API token, a credential that outlives the session."""
    view.second_factor_required = True
    return view


class RequireTOTPMiddleware:
    """Sends a user whose role needs a one-time password and who has not given one in this
    session to give it, or to enrol an authenticator app first; and any user, on a page
    marked :func:`second_factor_required`.

    Runs after django-otp's ``OTPMiddleware``, which tells whether the session is verified.
    API calls with a token are not sessions and are not affected: the token was made in a
    session that gave the second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        needed = totp_required(user) or (
            settings.REQUIRE_TOTP
            and user.is_authenticated
            and getattr(view_func, "second_factor_required", False)
        )
        if not needed or user.is_verified():
            return None
        if request.resolver_match.url_name in _BEFORE_SECOND_STEP:
            return None
        step = "totp_verify" if user_has_device(user) else "totp_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
