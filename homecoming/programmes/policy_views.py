"""Pages of a programme's policy versions: the list, a version in words, the draft form,
and approval by a second person (docs/policies.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.accounts.personal import no_personal_data
from homecoming.core.errors import ApplicationError
from homecoming.core.formats import short_date
from homecoming.programmes import language
from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.policies import (
    in_language,
    policy_approve,
    policy_change,
    policy_differences,
    policy_draft,
    policy_version_get_for_user,
    programme_get_for_policy,
    services,
)
from homecoming.programmes.policy_forms import ApproveForm, DraftForm, PolicyDraft
from homecoming.programmes.selectors import policy_in_force


@no_personal_data
def policy_list(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_policy(request.user, code)
    versions = programme.policy_versions.select_related("drafted_by", "approved_by").order_by(
        "-number"
    )
    try:
        in_force = policy_in_force(programme)
    except PolicyVersion.DoesNotExist:
        in_force = None
    return render(
        request,
        "programmes/policy_list.html",
        {
            "programme": programme,
            "versions": versions,
            "in_force": in_force,
            "draft_form": DraftForm(programme=programme),
        },
    )


@no_personal_data
def policy_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = policy_version_get_for_user(request.user, code, number)
    try:
        in_force = policy_in_force(version.programme)
    except PolicyVersion.DoesNotExist:
        in_force = None
    return render(
        request,
        "programmes/policy_detail.html",
        {
            "version": version,
            "programme": version.programme,
            "in_force": in_force,
            "conditions": [
                (in_language(c.get("label") or {}, c["key"]), c) for c in version.conditions
            ],
            "factors": [
                (in_language(f.get("label") or {}, f["key"]), f) for f in version.priority_factors
            ],
            "steps": [(in_language(s.get("label") or {}, s["key"]), s) for s in version.steps],
            "services": services(version.required_services),
            "differences": policy_differences(version),
            "may_approve": version.status == PolicyVersion.Status.DRAFT
            and version.drafted_by_id != request.user.pk,
        },
    )


@no_personal_data
@require_POST
def policy_draft_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = programme_get_for_policy(request.user, code)
    form = DraftForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, _("Choose a version of this programme to copy."))
        return redirect("programmes:policy_list", code=programme.code)
    try:
        draft = policy_draft(
            programme=programme, by=request.user, based_on=form.cleaned_data["based_on"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("programmes:policy_list", code=programme.code)
    messages.success(
        request,
        _("Version %(number)d drafted. Change it, then ask a second person to approve it.")
        % {"number": draft.number},
    )
    return redirect("programmes:policy_edit", code=programme.code, number=draft.number)


@no_personal_data
def policy_edit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = policy_version_get_for_user(request.user, code, number)
    if version.status != PolicyVersion.Status.DRAFT:
        messages.error(
            request,
            _("Version %(number)d is approved: it does not change. Draft a new version.")
            % {"number": version.number},
        )
        return redirect("programmes:policy_detail", code=code, number=number)
    draft = PolicyDraft(version, request.POST or None)
    if request.method == "POST" and draft.is_valid():
        try:
            policy_change(version=version, by=request.user, **draft.changes())
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Version %(number)d saved as a draft: it is not in force until approved.")
                % {"number": version.number},
            )
            return redirect("programmes:policy_detail", code=code, number=number)
    return render(
        request,
        "programmes/policy_edit.html",
        {
            "version": version,
            "programme": version.programme,
            "draft": draft,
            "errors": draft.errors() if request.method == "POST" else [],
            "variables": language.SCHEMA.values(),
        },
    )


@no_personal_data
def policy_approve_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Check the version, choose the day it comes into force, approve."""
    version = policy_version_get_for_user(request.user, code, number)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy_approve(
                version=version, by=request.user, in_force_from=form.cleaned_data["in_force_from"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            if version.status == PolicyVersion.Status.DRAFT:
                version.refresh_from_db()
            if version.status != PolicyVersion.Status.DRAFT:
                return redirect("programmes:policy_detail", code=code, number=number)
        else:
            messages.success(
                request,
                _(
                    "Version %(number)d approved: in force from %(date)s. Allocation runs "
                    "from that day judge and rank households by it."
                )
                % {
                    "number": version.number,
                    "date": short_date(form.cleaned_data["in_force_from"]),
                },
            )
            return redirect("programmes:policy_detail", code=code, number=number)
    if version.status != PolicyVersion.Status.DRAFT:
        return redirect("programmes:policy_detail", code=code, number=number)
    return render(
        request,
        "programmes/policy_approve.html",
        {
            "version": version,
            "programme": version.programme,
            "form": form,
            "differences": policy_differences(version),
            "drafted_by_you": version.drafted_by_id == request.user.pk,
        },
    )
