from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

# Write the time of the last request into the session at most this often (seconds), so that
# an active user does not cost a session write per request.
_RESOLUTION = 60


class IdleSessionTimeoutMiddleware:
    """End a signed-in session after ``SESSION_IDLE_SECONDS`` without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and "_auth_user_id" in request.session:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif now - last >= _RESOLUTION or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)
