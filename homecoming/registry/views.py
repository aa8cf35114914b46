from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.accounts.access import HOUSEHOLD_CHANGE, require
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import (
    access_shown,
    acts_on_personal_data,
    personal_data,
)
from homecoming.core.errors import ApplicationError
from homecoming.registry import forms, services
from homecoming.registry.models import ChangeRequest, DuplicateCandidate
from homecoming.registry.selectors import (
    change_request_list_for_user,
    duplicate_candidate_list_for_user,
    household_get_for_user,
    settlements_for_registration,
)


@acts_on_personal_data
def household_register(request: HttpRequest) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    settlements = settlements_for_registration(request.user)
    form = forms.HouseholdForm(request.POST or None, settlements=settlements)
    members = forms.MemberFormSet(request.POST or None, prefix="members")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_register(
                by=request.user,
                origin_settlement=data["origin_settlement"],
                origin_address=data["origin_address"],
                displaced_on=data["displaced_on"],
                accommodation=data["accommodation"],
                accommodation_place=data["accommodation_place"],
                phone=data["phone"],
                members=[m.member_input() for m in members if m.has_changed()],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Household %(ref)s registered.") % {"ref": household.reference}
            )
            for held in household.events.filter(action=services.DOCUMENT_HELD_ELSEWHERE):
                messages.warning(
                    request,
                    _(
                        "%(document)s is already registered, in a household you cannot open. "
                        "It is not stored with this household: someone who sees both "
                        "households will review them."
                    )
                    % {"document": held.details["document"]},
                )
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_register.html", {"form": form, "members": members})


def _act(request: HttpRequest, household_id: int, act, make_form=None) -> HttpResponse:
    """Run one household action from a posted form and return to the household page.

    ``make_form(data, household)`` builds the form; ``act(household, form)`` calls a service.
    """
    household = household_get_for_user(request.user, household_id)
    form = make_form(request.POST, household) if make_form else None
    if form is not None and not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("registry:household_detail", household_id=household.pk)
    try:
        act(household, form)
    except (ApplicationError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("Saved."))
    return redirect("registry:household_detail", household_id=household.pk)


def _plain(form_class):
    return lambda data, household: form_class(data)


@acts_on_personal_data
@require_POST
def household_verify(request: HttpRequest, household_id: int) -> HttpResponse:
    return _act(
        request, household_id, lambda h, f: services.household_verify(household=h, by=request.user)
    )


@acts_on_personal_data
@require_POST
def household_withdraw(request: HttpRequest, household_id: int) -> HttpResponse:
    return _act(
        request,
        household_id,
        lambda h, f: services.household_withdraw(
            household=h, by=request.user, reason=f.cleaned_data["reason"]
        ),
        _plain(forms.WithdrawForm),
    )


@acts_on_personal_data
@require_POST
def household_intention(request: HttpRequest, household_id: int) -> HttpResponse:
    return _act(
        request,
        household_id,
        lambda h, f: services.household_intention_record(
            household=h, by=request.user, **f.cleaned_data
        ),
        _plain(forms.IntentionForm),
    )


@acts_on_personal_data
@require_POST
def household_consent(request: HttpRequest, household_id: int) -> HttpResponse:
    return _act(
        request,
        household_id,
        lambda h, f: services.consent_record(household=h, by=request.user, **f.cleaned_data),
        _plain(forms.ConsentForm),
    )


@acts_on_personal_data
@require_POST
def change_origin(request: HttpRequest, household_id: int) -> HttpResponse:
    return _act(
        request,
        household_id,
        lambda h, f: services.change_request_create(
            household=h,
            by=request.user,
            part=ChangeRequest.Part.ORIGIN,
            proposed=f.proposed(),
            reason=f.cleaned_data["reason"],
        ),
        _plain(forms.OriginChangeForm),
    )


@acts_on_personal_data
@require_POST
def change_membership(request: HttpRequest, household_id: int) -> HttpResponse:
    return _act(
        request,
        household_id,
        lambda h, f: services.change_request_create(
            household=h,
            by=request.user,
            part=ChangeRequest.Part.MEMBERSHIP,
            proposed=f.proposed(),
            reason=f.cleaned_data["reason"],
        ),
        lambda data, h: forms.MembershipEndForm(data, household=h),
    )


@personal_data(AccessLog.Action.VIEW)
def change_request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    pending = list(
        change_request_list_for_user(request.user)
        .filter(status=ChangeRequest.Status.PENDING)
        .prefetch_related("household__members")
    )
    for change in pending:
        change.moves_to = services.change_request_moves(change, change.household)
    own = set(request.user.districts.values_list("pk", flat=True))
    return render(
        request, "registry/change_request_list.html", {"pending": pending, "own_districts": own}
    )


@acts_on_personal_data
@require_POST
def change_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        change = change_request_list_for_user(request.user).get(pk=request_id)
    except (ChangeRequest.DoesNotExist, ValueError) as exc:
        raise Http404("No such change request.") from exc
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_decide(
                request=change,
                by=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("registry:change_request_list")


@personal_data(AccessLog.Action.VIEW)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    candidates = duplicate_candidate_list_for_user(request.user).filter(
        status=DuplicateCandidate.Status.OPEN
    )
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(request, "registry/duplicate_list.html", {"page": page})


def _candidate(request: HttpRequest, candidate_id: int) -> DuplicateCandidate:
    try:
        return duplicate_candidate_list_for_user(request.user).get(pk=candidate_id)
    except (DuplicateCandidate.DoesNotExist, ValueError) as exc:
        raise Http404("No such pair.") from exc


@personal_data(AccessLog.Action.VIEW)
def duplicate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    candidate = _candidate(request, candidate_id)
    households = [candidate.household_a, candidate.household_b]
    access_shown(request, " ".join(h.reference for h in households))
    return render(
        request,
        "registry/duplicate_detail.html",
        {
            "candidate": candidate,
            "sides": [(h, h.members.prefetch_related("documents")) for h in households],
        },
    )


@acts_on_personal_data
@require_POST
def duplicate_resolve(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = _candidate(request, candidate_id)
    form = forms.DuplicateDecisionForm(request.POST, candidate=candidate)
    if not form.is_valid():
        messages.error(request, _("Choose which household to keep."))
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    try:
        services.duplicate_resolve(candidate=candidate, by=request.user, **form.decision())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    messages.success(request, _("Decision recorded."))
    return redirect("registry:duplicate_list")
