from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homecoming.accounts.access import ACCESS_LOG_VIEW, require
from homecoming.accounts.models import AccessLog


def access_log(request: HttpRequest) -> HttpResponse:
    """The auditor's view of who read which personal data, searchable by user and record."""
    require(request.user, ACCESS_LOG_VIEW)
    filters = {
        "user": request.GET.get("user", "")[:150],
        "record": request.GET.get("record", "")[:200],
        "action": request.GET.get("action", ""),
    }
    entries = AccessLog.objects.select_related("user")
    if filters["user"]:
        entries = entries.filter(user__username=filters["user"])
    if filters["record"]:
        entries = entries.filter(record__icontains=filters["record"])
    if filters["action"] in AccessLog.Action.values:
        entries = entries.filter(action=filters["action"])
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_log.html",
        {"page": page, "filters": filters, "actions": AccessLog.Action.choices},
    )
