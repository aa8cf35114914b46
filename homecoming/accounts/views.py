from __future__ import annotations

import base64

import segno
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device

from homecoming.accounts.access import ACCESS_LOG_VIEW, HISTORY_VIEW, require
from homecoming.accounts.forms import TokenForm
from homecoming.accounts.history import record_history_for_user
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import access_shown, no_personal_data, personal_data
from homecoming.accounts.services import (
    totp_check,
    totp_confirm,
    totp_enrolment_device,
)


@personal_data(AccessLog.Action.VIEW)  # the auditor's reads are logged too
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


@personal_data(AccessLog.Action.HISTORY)
def record_history(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """The audit trail of one record and its parts; reading a household's is itself logged."""
    require(request.user, HISTORY_VIEW)
    history = record_history_for_user(request.user, kind, key)
    access_shown(request, str(history.record) if history.personal else None)
    template = "core/_history_table.html" if request.htmx else "accounts/record_history.html"
    return render(request, template, {"history": history})


def _next(request: HttpRequest) -> str:
    """Where to go once the second step is done: the page asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@no_personal_data
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), give the first code."""
    if user_has_device(request.user):
        return redirect("totp_verify")
    device = totp_enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if totp_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right, or it has expired. Try the next one."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/totp_enrol.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": device.config_url,
            "next": _next(request),
        },
    )


@no_personal_data
def totp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code the enrolled authenticator app shows now."""
    if not user_has_device(request.user):
        return redirect("totp_enrol")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = totp_check(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right, or it has expired. Try the next one."))
    return render(request, "accounts/totp_verify.html", {"form": form, "next": _next(request)})
