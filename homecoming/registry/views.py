from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from homecoming.accounts.access import HOUSEHOLD_CHANGE, require
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import (
    access_shown,
    acts_on_personal_data,
    no_personal_data,
    personal_data,
)
from homecoming.core.errors import ApplicationError
from homecoming.core.forms import errors_in_words
from homecoming.programmes.selectors import default_programme
from homecoming.registry import door, fieldforms, forms, services
from homecoming.registry.models import (
    AccommodationKind,
    ChangeRequest,
    DuplicateCandidate,
    FieldForm,
    FieldSubmission,
    Household,
    IdentityDocument,
    Member,
)
from homecoming.registry.selectors import (
    change_request_list_for_user,
    change_requests_to_decide,
    duplicate_candidate_list_for_user,
    field_submission_list_for_user,
    household_get_for_user,
    programmes_for_enrolment,
    registration_reasons,
    settlements_for_registration,
)
from homecoming.registry.wording import Words


@acts_on_personal_data
def household_register(request: HttpRequest) -> HttpResponse:
    """Register a household; its members are first compared with the registry (``door``),
    and likely matches are shown beside them before anything is saved."""
    require(request.user, HOUSEHOLD_CHANGE)
    enrolment = {
        "settlements": settlements_for_registration(request.user),
        "programmes": programmes_for_enrolment(request.user),
        "default_programme": default_programme(),
    }
    if "add_member" in request.POST:  # one more row, nothing checked yet
        form = forms.HouseholdForm(initial=request.POST.dict(), **enrolment)
        rows = forms.member_rows(request.POST)
        members = forms.MemberFormSet(initial=rows, prefix="members")
        return _register_page(request, form, members, forms.NotSameFamilyForm(request.POST))
    form = forms.HouseholdForm(request.POST or None, **enrolment)
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
        for error in errors_in_words(form):
            messages.error(request, error)
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


def household_change_page(
    request: HttpRequest,
    household: Household,
    form,
    act,
    *,
    title: str,
    done: str,
    intro: str = "",
    submit: str = "",
    member: Member | None = None,
    consequences: list[str] | None = None,
) -> HttpResponse:
    """One page that changes one thing of a household (GOV.UK: one thing per page): the
    form, the error summary, and on success the household page with ``done`` said. The
    pages of the top layer that change a household use it too (``site.views``).

    ``act(form)`` calls the service; a refusal is shown at the top of the form.
    """
    access_shown(request, household.reference)
    if request.method == "POST" and form.is_valid():
        try:
            act(form)
        except (ApplicationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, done)
            return redirect("registry:household_detail", household_id=household.pk)
    return render(
        request,
        "registry/household_change.html",
        {
            "household": household,
            "member": member,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit or _("Save"),
            "consequences": consequences or [],
        },
    )


def _changeable(request: HttpRequest, household_id: int) -> Household:
    require(request.user, HOUSEHOLD_CHANGE)
    return household_get_for_user(request.user, household_id)


def _member_of(household: Household, member_id: int) -> Member:
    try:
        return household.members.get(pk=member_id)
    except Member.DoesNotExist as exc:
        raise Http404("No such member in this household.") from exc


PROPOSED = gettext_lazy("Change proposed: it takes effect when another officer approves it.")
SECOND_OFFICER = gettext_lazy(
    "This change takes effect when another officer approves it, in Changes to approve."
)


def _propose(request: HttpRequest, household: Household, part: str):
    return lambda form: services.change_request_create(
        household=household,
        by=request.user,
        part=part,
        proposed=form.proposed(),
        reason=form.cleaned_data["reason"],
    )


@personal_data(AccessLog.Action.VIEW)
def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    form = forms.HouseholdEditForm(
        request.POST or None,
        household=household,
        programmes=programmes_for_enrolment(request.user),
    )
    return household_change_page(
        request,
        household,
        form,
        lambda f: services.household_edit(
            household=household, by=request.user, changes=f.changes()
        ),
        title=_("Phone and accommodation"),
        intro=_("Changed at once; the household's history keeps what each field was."),
        done=_("Saved: the change is in the household's history."),
    )


@personal_data(AccessLog.Action.VIEW)
def member_edit(request: HttpRequest, household_id: int, member_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    member = _member_of(household, member_id)
    form = forms.MemberEditForm(request.POST or None, member=member)
    return household_change_page(
        request,
        household,
        form,
        lambda f: services.member_edit(member=member, by=request.user, changes=f.changes()),
        title=_("Details of %(name)s") % {"name": member},
        intro=_("Changed at once; the household's history keeps what each field was."),
        done=_("Saved: the change is in the household's history."),
        member=member,
    )


@personal_data(AccessLog.Action.VIEW)
def change_origin(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    form = forms.OriginChangeForm(request.POST or None, household=household)
    return household_change_page(
        request,
        household,
        form,
        _propose(request, household, ChangeRequest.Part.ORIGIN),
        title=_("Change origin"),
        intro=_("Change only what is wrong; a field left blank or as it is stays as it is."),
        submit=_("Ask for the change"),
        done=PROPOSED,
        consequences=[SECOND_OFFICER],
    )


@personal_data(AccessLog.Action.VIEW)
def member_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    form = forms.MemberAddForm(request.POST or None)
    return household_change_page(
        request,
        household,
        form,
        _propose(request, household, ChangeRequest.Part.MEMBERSHIP),
        title=_("Add a member"),
        submit=_("Ask for the change"),
        done=PROPOSED,
        consequences=[SECOND_OFFICER],
    )


@personal_data(AccessLog.Action.VIEW)
def member_end(request: HttpRequest, household_id: int, member_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    member = _member_of(household, member_id)
    form = forms.MembershipEndForm(request.POST or None, member=member)
    return household_change_page(
        request,
        household,
        form,
        _propose(request, household, ChangeRequest.Part.MEMBERSHIP),
        title=_("End the membership of %(name)s") % {"name": member},
        submit=_("Ask for the change"),
        done=PROPOSED,
        member=member,
        consequences=[
            _("The member stays in the household's record, marked as having left."),
            SECOND_OFFICER,
        ],
    )


@personal_data(AccessLog.Action.VIEW)
def document_add(request: HttpRequest, household_id: int, member_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    member = _member_of(household, member_id)
    form = forms.DocumentForm(request.POST or None, member=member)
    return household_change_page(
        request,
        household,
        form,
        _propose(request, household, ChangeRequest.Part.DOCUMENTS),
        title=_("Add a document of %(name)s") % {"name": member},
        submit=_("Ask for the change"),
        done=PROPOSED,
        member=member,
        consequences=[SECOND_OFFICER],
    )


@personal_data(AccessLog.Action.VIEW)
def document_change(request: HttpRequest, household_id: int, document_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    try:
        document = IdentityDocument.objects.select_related("member").get(
            pk=document_id, member__household=household
        )
    except IdentityDocument.DoesNotExist as exc:
        raise Http404("No such document in this household.") from exc
    form = forms.DocumentForm(request.POST or None, member=document.member, document=document)
    return household_change_page(
        request,
        household,
        form,
        _propose(request, household, ChangeRequest.Part.DOCUMENTS),
        title=_("Change or end %(document)s") % {"document": document},
        intro=_("Change only what is wrong; a field left blank or as it is stays as it is."),
        submit=_("Ask for the change"),
        done=PROPOSED,
        member=document.member,
        consequences=[SECOND_OFFICER],
    )


@personal_data(AccessLog.Action.VIEW)
def household_reinstate(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _changeable(request, household_id)
    form = forms.ReinstateForm(request.POST or None)
    return household_change_page(
        request,
        household,
        form,
        lambda f: services.change_request_create(
            household=household,
            by=request.user,
            part=ChangeRequest.Part.REINSTATEMENT,
            proposed={},
            reason=f.cleaned_data["reason"],
        ),
        title=_("Reinstate household %(reference)s") % {"reference": household.reference},
        submit=_("Ask for the reinstatement"),
        done=PROPOSED,
        consequences=[
            _("The household returns to the status it had before it was withdrawn."),
            SECOND_OFFICER,
        ],
    )


@personal_data(AccessLog.Action.VIEW)
def change_request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    # "?decide=mine": only those the user may decide, as the worklist counts them.
    mine = request.GET.get("decide") == "mine"
    pending = list(
        (
            change_requests_to_decide(request.user)
            if mine
            else change_request_list_for_user(request.user).filter(
                status=ChangeRequest.Status.PENDING
            )
        ).prefetch_related("household__members__documents")
    )
    currents = [services.change_request_current(c.household, c.part, c.proposed) for c in pending]
    words = Words([*(c.proposed for c in pending), *currents])
    for change, current in zip(pending, currents, strict=True):
        change.moves_to = services.change_request_moves(change, change.household)
        change.rows = words.proposal(change.part, change.proposed, current)
    own = set(request.user.districts.values_list("pk", flat=True))
    return render(
        request,
        "registry/change_request_list.html",
        {"pending": pending, "own_districts": own, "mine": mine},
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
            "reasons": registration_reasons(candidate),
        },
    )


def _field_submission(request: HttpRequest, submission_id: int) -> FieldSubmission:
    try:
        return field_submission_list_for_user(request.user).get(pk=submission_id)
    except (FieldSubmission.DoesNotExist, ValueError) as exc:
        raise Http404("No such field submission.") from exc


@personal_data(AccessLog.Action.VIEW)
def field_submission_list(request: HttpRequest) -> HttpResponse:
    """The submissions field tools pushed, waiting for an officer (GOV.UK's task list)."""
    submissions = field_submission_list_for_user(request.user).filter(
        status=FieldSubmission.Status.PENDING
    )
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    for submission in page:
        submission.read = fieldforms.field_submission_read(submission)
    return render(request, "registry/field_submission_list.html", {"page": page})


def _choice_label(field: str, value: str) -> str:
    choices = {
        "accommodation": AccommodationKind,
        "intention": Household.Intention,
        "relation": Member.Relation,
        "sex": Member.Sex,
        "document_type": IdentityDocument.Type,
    }.get(field)
    if choices is None or value not in choices.values:
        return value
    return str(choices(value).label)


@personal_data(AccessLog.Action.VIEW)
def field_submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _field_submission(request, submission_id)
    read = fieldforms.field_submission_read(submission)
    access_shown(request, f"field submission {submission.version}")
    return render(
        request,
        "registry/field_submission_detail.html",
        {
            "submission": submission,
            "household": [
                (Household._meta.get_field(field).verbose_name, _choice_label(field, value))
                for field, value in read.household.items()
                if field != "origin_settlement"
            ],
            "members": [
                {field: _choice_label(field, value) for field, value in member.items()}
                for member in read.members
            ],
            "edits": Household.objects.filter(reference=f"KOBO-{submission.root}").exists(),
            "form": forms.FieldSubmissionDecisionForm(),
        },
    )


@acts_on_personal_data
@require_POST
def field_submission_decide(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _field_submission(request, submission_id)
    form = forms.FieldSubmissionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for refusing the submission."))
        return redirect("registry:field_submission_detail", submission_id=submission.pk)
    try:
        if form.cleaned_data["accept"]:
            decided = fieldforms.field_submission_accept(submission=submission, by=request.user)
        else:
            decided = fieldforms.field_submission_reject(
                submission=submission, by=request.user, reason=form.cleaned_data["reason"]
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("registry:field_submission_detail", submission_id=submission.pk)
    if decided.status == FieldSubmission.Status.REJECTED:
        messages.success(request, _("The submission is refused."))
        return redirect("registry:field_submission_list")
    messages.success(
        request,
        _("Accepted: household %(reference)s. Changes to it wait for a second officer.")
        % {"reference": decided.household.reference},
    )
    return redirect("registry:household_detail", household_id=decided.household.pk)


@no_personal_data
def field_form_list(request: HttpRequest) -> HttpResponse:
    """The forms that push their submissions here, and setting up a new one: its key is
    shown on the answer to the request that made it, once, and never again."""
    require(request.user, HOUSEHOLD_CHANGE)
    form = forms.FieldFormForm(request.POST or None)
    made = key = None
    if request.method == "POST" and form.is_valid():
        try:
            made, key = fieldforms.field_form_create(
                by=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            form = forms.FieldFormForm()
    response = render(
        request,
        "registry/field_form_list.html",
        {
            "forms": FieldForm.objects.select_related("created_by"),
            "form": form,
            "made": made,
            "key": key,
            "endpoint": request.build_absolute_uri(reverse("api:field_submission_push")),
        },
    )
    response["Cache-Control"] = "no-store"  # the key is not kept by the browser either
    return response


@no_personal_data
def field_form_revoke(request: HttpRequest, form_id: int) -> HttpResponse:
    """Confirm, then revoke a form's key: pushes with it are refused from then on."""
    require(request.user, HOUSEHOLD_CHANGE)
    try:
        field_form = FieldForm.objects.get(pk=form_id, revoked_at=None)
    except FieldForm.DoesNotExist as exc:
        raise Http404("No such form, or its key is already revoked.") from exc
    if request.method == "POST":
        fieldforms.field_form_revoke(name=field_form.name, by=request.user)
        messages.success(
            request,
            _("The key of %(form)s is revoked: its pushes are refused.") % {"form": field_form},
        )
        return redirect("registry:field_form_list")
    return render(request, "registry/field_form_revoke.html", {"field_form": field_form})


@no_personal_data
def field_form_xlsform(request: HttpRequest) -> HttpResponse:
    """The household registration form (XLSForm) to upload to KoboToolbox or ODK Central."""
    require(request.user, HOUSEHOLD_CHANGE)
    response = HttpResponse(
        fieldforms.household_xlsform(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="household-registration.xlsx"'
    return response
