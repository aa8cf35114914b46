"""Second step of signing in: a one-time password for the roles that need one; the access
log of personal data and its answers kept out of caches."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django_otp import user_has_device

from homecoming.accounts.access import totp_required
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import NOTHING_SHOWN, Declaration, declaration_of
from homecoming.accounts.services import access_record

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


# A view nobody declared is taken to show personal data: logged, and never cached.
_UNDECLARED = Declaration(shows=True, guarded=True, action=AccessLog.Action.VIEW)


class AccessLogMiddleware:
    """Logs every read of personal data and every refused attempt, after the view answered,
    as each view declared (``accounts/personal.py``); marks those answers ``no-store``.

    Runs after authentication (and, for the API, after DRF set the token's user on the
    request): a refusal is logged for a signed-in user only, an anonymous visitor being
    sent to sign in. The row names what the view said it showed, else the path asked for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None:  # no view answered: nothing was read
            return response
        declaration = declaration_of(match.func, match.namespaces) or _UNDECLARED
        if not declaration.guarded:
            return response
        add_never_cache_headers(response)  # Cache-Control: no-store, no-cache, private...
        response["Pragma"] = "no-cache"  # ...and for HTTP/1.0 caches
        if not request.user.is_authenticated:
            return response
        shown = getattr(request, "personal_data_shown", None)
        if response.status_code in (403, 404):
            path = f"{request.method} {request.get_full_path()}"
            access_record(request, AccessLog.Action.REFUSED, path)
        elif declaration.shows and 200 <= response.status_code < 300 and shown is not NOTHING_SHOWN:
            access_record(request, declaration.action, shown or request.get_full_path())
        return response
