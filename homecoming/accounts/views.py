from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from homecoming.accounts.access import ACCESS_LOG_VIEW, require
from homecoming.accounts.forms import ApiTokenForm, TokenForm
from homecoming.accounts.middleware import second_factor_required
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import no_personal_data, personal_data
from homecoming.accounts.selectors import api_token_get_for_user, api_token_list_for_user
from homecoming.accounts.services import (
    api_token_create,
    api_token_revoke,
    totp_check,
    totp_confirm,
    totp_enrolment_device,
)
from homecoming.core.errors import ApplicationError


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


@no_personal_data
@never_cache  # the answer that shows a new key is never kept
@second_factor_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: make one (its key is shown on this answer only), see and revoke
    the others."""
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "key": key,
            "tokens": api_token_list_for_user(request.user),
            "days": settings.API_TOKEN_DAYS,
        },
    )


@no_personal_data
@require_POST
@second_factor_required
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get_for_user(request.user, token_id)
    api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
