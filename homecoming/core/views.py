"""The site's error pages: in its frame and the user's language, saying what happened and
where to go; as JSON under /api/, where clients parse them (settings: handler*, CSRF_FAILURE_VIEW).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

# What an API client reads instead of a page (the same words as DRF's own errors).
_API_DETAIL = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "A server error occurred.",
}


def _page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _API_DETAIL[status]}, status=status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 400, "400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 403, "403.html")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 404, "404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, "403_csrf.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request, so that no context processor runs: the page must show
    when the database, the usual cause, is down (the user is then unknown, the menu absent)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _API_DETAIL[500]}, status=500)
    return HttpResponse(loader.get_template("500.html").render({"path": request.path}), status=500)
