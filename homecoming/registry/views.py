from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from homecoming.accounts.access import HOUSEHOLD_CHANGE, HOUSEHOLD_EXPORT, require, user_can
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import (
    access_shown,
    acts_on_personal_data,
    personal_data,
)
from homecoming.core.errors import ApplicationError
from homecoming.core.export import csv_response
from homecoming.registry import door, forms, services
from homecoming.registry.models import ChangeRequest, DuplicateCandidate, Member
from homecoming.registry.selectors import (
    change_request_list_for_user,
    duplicate_candidate_list_for_user,
    household_get_for_user,
    household_list_for_user,
    household_search,
    household_search_listed,
    settlements_for_registration,
)


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "q": request.GET.get("q", "")[:100],
        "settlement": request.GET.get("settlement", "")[:20],
    }


class _CountedPaginator(Paginator):
    """Pages through a list whose size is already known, so it is not counted again."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count  # in place of Paginator's cached count()


@personal_data(AccessLog.Action.SEARCH)
def household_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    found = household_search_listed(household_list_for_user(request.user), **filters)
    paginator = _CountedPaginator(found.households, 50, count=found.count)
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    return render(
        request,
        template,
        {
            "page": paginator.get_page(request.GET.get("page")),
            "more": found.more,
            "left_out": found.left_out,
            "filters": filters,
            "can_register": user_can(request.user, HOUSEHOLD_CHANGE),
        },
    )


@acts_on_personal_data
def household_register(request: HttpRequest) -> HttpResponse:
    """Register a household; its members are first compared with the registry (``door``),
    and likely matches are shown beside them before anything is saved."""
    require(request.user, HOUSEHOLD_CHANGE)
    settlements = settlements_for_registration(request.user)
    if "add_member" in request.POST:  # one more row, nothing checked yet
        form = forms.HouseholdForm(initial=request.POST.dict(), settlements=settlements)
        rows = forms.member_rows(request.POST)
        members = forms.MemberFormSet(initial=rows, prefix="members")
        return _register_page(request, form, members, forms.NotSameFamilyForm(request.POST))
    form = forms.HouseholdForm(request.POST or None, settlements=settlements)
    head = [{"relation": Member.Relation.HEAD}]
    members = forms.MemberFormSet(request.POST or None, prefix="members", initial=head)
    if not (request.method == "POST" and form.is_valid() and members.is_valid()):
        return _register_page(request, form, members, forms.NotSameFamilyForm())
    data = form.cleaned_data
    inputs = [m.member_input() for m in members if m.has_changed()]
    matches = door.household_matches_at_registration(
        members=inputs, origin_settlement=data["origin_settlement"], by=request.user
    )
    if matches and "confirm" not in request.POST:
        not_same = forms.NotSameFamilyForm()
        return _register_page(request, form, members, not_same, matches, inputs)
    not_same = forms.NotSameFamilyForm(
        request.POST, required=any(match.visible for match in matches)
    )
    if not not_same.is_valid():
        return _register_page(request, form, members, not_same, matches, inputs)
    try:
        household = door.household_register_checked(
            by=request.user,
            members=inputs,
            reason=not_same.cleaned_data["reason"],
            **data,
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _register_page(request, form, members, not_same, matches, inputs)
    messages.success(request, _("Household %(ref)s registered.") % {"ref": household.reference})
    if matches:
        messages.info(
            request,
            ngettext(
                "The likely duplicate has been sent to the duplicates review.",
                "The %(count)d likely duplicates have been sent to the duplicates review.",
                len(matches),
            )
            % {"count": len(matches)},
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


def _register_page(
    request: HttpRequest,
    form: forms.HouseholdForm,
    members: forms.MemberFormSet,
    not_same: forms.NotSameFamilyForm,
    matches: list[door.DoorMatch] = (),
    inputs: list[services.MemberInput] = (),
) -> HttpResponse:
    """The registration form, with the likely matches (new and registered side by side)."""
    compared = [
        {
            "match": match,
            "rows": [(inputs[link.new], link.registered, link.probability) for link in match.links],
        }
        for match in matches
    ]
    return render(
        request,
        "registry/household_register.html",
        {
            "form": form,
            "members": members,
            "not_same": not_same,
            "compared": [c for c in compared if c["match"].visible],
            "hidden": sum(not match.visible for match in matches),
            "origin": form.cleaned_data.get("origin_settlement") if matches else None,
            "can_add_member": members.total_form_count() < forms.MemberFormSet.absolute_max,
        },
    )


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


@personal_data(AccessLog.Action.EXPORT)
def household_export(request: HttpRequest) -> StreamingHttpResponse:
    """The households of the list, as CSV: the same access and filters as the page."""
    require(request.user, HOUSEHOLD_EXPORT)
    filters = _filters(request)
    households = household_search(household_list_for_user(request.user), **filters)
    header = [
        "reference",
        "origin_settlement_code",
        "origin_settlement",
        "district",
        "size",
        "accommodation",
        "intention",
        "status",
        "registered_on",
        "synthetic",
    ]
    rows = (
        [
            h.reference,
            h.origin_settlement.code,
            h.origin_settlement.name,
            h.origin_settlement.district.name,
            h.size,
            h.accommodation,
            h.intention,
            h.status,
            h.registered_on.isoformat(),
            "yes" if h.is_synthetic else "no",
        ]
        for h in households.iterator(chunk_size=2000)
    )
    # csv_response runs the search before it answers: a search that fails is an error page,
    # which the access-log middleware does not log as an export.
    return csv_response("households.csv", header, rows)


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
