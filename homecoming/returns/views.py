from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from homecoming.accounts.access import (
    HOUSEHOLD_CHANGE,
    HOUSEHOLD_EXPORT,
    RETURN_PLAN,
    require,
    user_can,
)
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import (
    access_shown,
    acts_on_personal_data,
    no_personal_data,
    personal_data,
)
from homecoming.core.charts import chart
from homecoming.core.errors import ApplicationError
from homecoming.core.formats import short_date
from homecoming.places.selectors import districts_with_settlements
from homecoming.programmes.models import Programme
from homecoming.registry.selectors import (
    household_get_for_user,
    household_list_for_user,
    programmes_visible,
)
from homecoming.returns.explanations import Names, explanation_words
from homecoming.returns.exports import departure_title, passenger_workbook
from homecoming.returns.forms import CohortForm, FollowUpForm, OfferFilterForm, StepDoneForm
from homecoming.returns.models import (
    AllocationRun,
    IneligibleHousehold,
    Passenger,
)
from homecoming.returns.selectors import (
    cohort_list_for_user,
    cohorts_of_programme,
    departures_unconfirmed,
    household_steps,
    offer_list_for_user,
    offers_filtered,
    passenger_list,
    policy_words,
    run_by_settlement,
    run_ineligible_groups,
    run_ineligible_households,
    run_list_for_user,
    run_policy,
    run_reason,
    steps_version,
    with_heads,
)
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_depart,
    cohort_plan,
    cohorts_schedule,
    follow_up_record,
    keys_hand_over,
    offer_accept,
    offer_appeal,
    offer_decline,
    offers_remind,
    passenger_answer,
    passengers_confirm,
    return_step_record,
)


class RunForm(forms.Form):
    """An allocation covers one programme: the choice is offered when there are several."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.exclude(status=Programme.Status.CLOSED),
        to_field_name="code",
        required=False,
        empty_label=None,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=districts_with_settlements(),
        to_field_name="code",
    )
    scope = forms.ChoiceField(
        label=_("Where a household may be housed"), choices=AllocationRun.Scope.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.fields["programme"].queryset.count() < 2:
            del self.fields["programme"]


@no_personal_data
def run_list(request: HttpRequest) -> HttpResponse:
    require(request.user, RETURN_PLAN)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = allocation_run(
                by=request.user,
                districts=list(form.cleaned_data["districts"]),
                scope=form.cleaned_data["scope"],
                programme=form.cleaned_data.get("programme"),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("returns:run_detail", run_id=run.pk)
    runs = run_list_for_user(request.user)
    programmes = programmes_visible(request.user)
    programme = next((p for p in programmes if p.code == request.GET.get("programme")), None)
    if programme is not None:
        runs = runs.filter(programme=programme)
    runs = runs.prefetch_related("districts").select_related(
        "created_by", "approved_by", "programme", "policy_version__programme"
    )[:30]
    return render(
        request,
        "returns/run_list.html",
        {"form": form, "runs": runs, "programmes": programmes, "programme": programme},
    )


@personal_data(AccessLog.Action.VIEW)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run: its figures and decision, why households were left out (grouped by
    kind of reason, or the households of one kind (``?why=``) or of one reason of the
    kind (``&reason=`` its code), paged), and each household's
    home, priority in words and explanation."""
    require(request.user, RETURN_PLAN)
    run = get_object_or_404(
        run_list_for_user(request.user).select_related("approved_by", "policy_version__programme"),
        pk=run_id,
    )
    why = request.GET.get("why", "")
    if why in IneligibleHousehold.Why.values:
        code = request.GET.get("reason", "")
        households = run_ineligible_households(run, why=why, reason=code)
        page = Paginator(households, 100).get_page(request.GET.get("page"))
        reason = run_reason(run, why=why, code=code) if code else None
        return render(
            request,
            "returns/run_ineligible.html",
            {
                "run": run,
                "heading": reason.words if reason else IneligibleHousehold.Why(why).label,
                "count": page.paginator.count,
                "page": page,
            },
        )
    results = run.results.select_related(
        "household__origin_settlement", "unit__building__settlement"
    )
    for_words = run.policy_version
    by_settlement = run_by_settlement(run)
    shown = results
    if request.GET.get("show") == "waiting":
        shown = results.filter(unit=None)
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    names = Names(r.explanation for r in page)
    for result in page:
        result.explanation_words = explanation_words(result.explanation, names)
        result.run = run  # its policy version names the priority factors, read once
    return render(
        request,
        "returns/run_detail.html",
        {
            "run": run,
            "page": page,
            "show": request.GET.get("show", ""),
            "by_settlement": by_settlement,
            "housed": sum(row[1] for row in by_settlement),
            "waiting": sum(row[2] for row in by_settlement),
            "ineligible": run_ineligible_groups(run),
            "policy": policy_words(for_words) if for_words else "",
        },
    )


@acts_on_personal_data
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    """Confirm, then approve: the page says what approving does (homes reserved, offers
    made with their answer date) before anything changes."""
    require(request.user, RETURN_PLAN)
    run = get_object_or_404(run_list_for_user(request.user), pk=run_id)
    if request.method == "POST":
        try:
            reserved = allocation_approve(run=run, by=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Run approved: %(n)d home reserved, its offer made.",
                    "Run approved: %(n)d homes reserved, their offers made.",
                    reserved,
                )
                % {"n": reserved},
            )
        return redirect("returns:run_detail", run_id=run.pk)
    if run.approved:
        return redirect("returns:run_detail", run_id=run.pk)
    housed = run.results.exclude(unit=None).count()
    waiting = run.results.filter(unit=None).count()
    deadline = timezone.localdate() + dt.timedelta(days=run_policy(run).offer_answer_days)
    consequences = [
        ngettext(
            "%(n)d household is offered a home.",
            "%(n)d households are offered a home.",
            housed,
        )
        % {"n": housed},
        ngettext(
            "%(n)d home is reserved for its household: no other run can allocate it meanwhile.",
            "%(n)d homes are reserved for their households: no other run can allocate them "
            "meanwhile.",
            housed,
        )
        % {"n": housed},
        _("Each household is asked to answer by %(date)s; an officer records its answer.")
        % {"date": short_date(deadline)},
        _(
            "Approval cannot be undone; a home returns to the pool when its household "
            "declines the offer."
        ),
        _("The run then says that you approved it, today."),
    ]
    if waiting:
        consequences.insert(
            3,
            ngettext(
                "%(n)d eligible household is not housed by this run and waits for a later one.",
                "%(n)d eligible households are not housed by this run and wait for a later one.",
                waiting,
            )
            % {"n": waiting},
        )
    return render(
        request,
        "returns/run_approve.html",
        {"run": run, "housed": housed, "consequences": consequences},
    )


# Offers on a page of the offers list.
OFFERS_PER_PAGE = 25


@personal_data(AccessLog.Action.VIEW)
def offer_list(request: HttpRequest) -> HttpResponse:
    """The offers, filtered and paged: the answers to record, reminders to send."""
    require(request.user, HOUSEHOLD_CHANGE)
    form = OfferFilterForm(
        request.GET,
        offers=offer_list_for_user(request.user),
        programmes=programmes_visible(request.user),
    )
    today = timezone.localdate()
    offers = offers_filtered(request.user, today=today, **form.filters())
    page = Paginator(offers.select_related("handover"), OFFERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    with_heads([offer.household for offer in page])
    return render(
        request,
        "returns/offer_list.html",
        {"form": form, "page": page, "today": today, "filters": _filters(request)},
    )


def _filters(request: HttpRequest) -> str:
    """The list's filters as a query string, without its page: where an action returns."""
    kept = request.GET.copy()
    kept.pop("page", None)
    return kept.urlencode()


def _back_to_offers(request: HttpRequest) -> HttpResponse:
    """The offers list, with the filters the action was sent from."""
    kept = QueryDict(request.POST.get("filters", ""))
    query = kept.urlencode()
    return redirect(reverse("returns:offer_list") + (f"?{query}" if query else ""))


def _chosen(request: HttpRequest, name: str) -> list[int]:
    """The ids ticked in the list's ``name`` checkboxes."""
    return [int(value) for value in request.POST.getlist(name) if value.isdecimal()]


@acts_on_personal_data
@require_POST
def offers_remind_view(request: HttpRequest) -> HttpResponse:
    """Record a reminder for each chosen offer, then show whom to call, with their phones."""
    require(request.user, HOUSEHOLD_CHANGE)
    offers = list(offer_list_for_user(request.user).filter(pk__in=_chosen(request, "offer")))
    if not offers:
        messages.error(request, _("Choose the offers whose households are to be reminded."))
        return _back_to_offers(request)
    outcomes = offers_remind(offers=offers, by=request.user)
    reminded = [o.record.pk for o in outcomes if o.done]
    if reminded:
        messages.success(
            request,
            ngettext(
                "A reminder is recorded in the history of %(n)d household.",
                "A reminder is recorded in the history of %(n)d households.",
                len(reminded),
            )
            % {"n": len(reminded)},
        )
    for outcome in outcomes:
        if not outcome.done:
            messages.error(
                request,
                _("%(reference)s not reminded: %(reason)s")
                % {"reference": outcome.reference, "reason": outcome.refusal},
            )
    query = QueryDict(mutable=True)
    query.setlist("offer", [str(pk) for pk in reminded])
    query["filters"] = request.POST.get("filters", "")
    return redirect(reverse("returns:offer_calls") + f"?{query.urlencode()}")


@personal_data(AccessLog.Action.VIEW)
def offer_calls(request: HttpRequest) -> HttpResponse:
    """The households of the chosen offers with their phones: the calls a reminder asks
    an officer to make (the system sends no message itself)."""
    require(request.user, HOUSEHOLD_CHANGE)
    offers = list(
        offer_list_for_user(request.user)
        .filter(pk__in=[int(v) for v in request.GET.getlist("offer") if v.isdecimal()])
        .order_by("offer_deadline", "household__reference")
    )
    with_heads([offer.household for offer in offers])
    query = QueryDict(request.GET.get("filters", "")).urlencode()
    return render(
        request,
        "returns/offer_calls.html",
        {"offers": offers, "back": reverse("returns:offer_list") + (f"?{query}" if query else "")},
    )


@acts_on_personal_data
@require_POST
def offer_answer(request: HttpRequest, offer_id: int) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    offer = get_object_or_404(offer_list_for_user(request.user), pk=offer_id)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            offer_accept(offer=offer, by=request.user)
        elif answer == "decline":
            offer_decline(offer=offer, by=request.user, reason=request.POST.get("reason", ""))
        elif answer == "appeal":
            offer_appeal(offer=offer, by=request.user, text=request.POST.get("text", ""))
        else:
            raise ApplicationError("Choose accept, decline or appeal.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recorded."))
    return _back_to_offers(request)


@acts_on_personal_data
@require_POST
def offer_handover(request: HttpRequest, offer_id: int) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    offer = get_object_or_404(offer_list_for_user(request.user), pk=offer_id)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date, the number of keys and the signed form."))
        return _back_to_offers(request)
    try:
        keys_hand_over(offer=offer, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Keys handed over: %(ref)s has returned.") % {"ref": offer.household.reference},
        )
    return _back_to_offers(request)


class HandoverForm(forms.Form):
    date = forms.DateField()
    keys = forms.IntegerField(min_value=1, max_value=50)
    signed_form = forms.CharField(max_length=200)
    meter_readings = forms.CharField(max_length=300, required=False)
    condition_notes = forms.CharField(max_length=2000, required=False)
    outside_departure_reason = forms.CharField(max_length=300, required=False)


@no_personal_data
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The cohort planner: departures by date with their seats used, plan one, schedule."""
    cohorts = cohort_list_for_user(request.user)
    # "?seats=unconfirmed": the departures the worklist counts (site/worklist.py).
    unconfirmed = request.GET.get("seats") == "unconfirmed"
    if unconfirmed:
        cohorts = departures_unconfirmed(cohorts, today=timezone.localdate())
    programmes = programmes_visible(request.user)
    programme = next((p for p in programmes if p.code == request.GET.get("programme")), None)
    if programme is not None:
        cohorts = cohorts_of_programme(cohorts, programme)
    cohorts = list(cohorts.order_by("move_date", "destination__name"))
    can_plan = user_can(request.user, RETURN_PLAN)
    form = CohortForm(request.POST or None) if can_plan else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            cohort_plan(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Departure planned."))
            return redirect("returns:cohort_list")
    dates = [f"{c.move_date:%Y-%m-%d} {c.destination.display_name}" for c in cohorts]
    capacity = chart(
        [
            {
                "type": "bar",
                "name": str(_("seats taken")),
                "x": dates,
                "y": [c.taken for c in cohorts],
            },
            {
                "type": "bar",
                "name": str(_("seats free")),
                "x": dates,
                "y": [max(c.seats - c.taken, 0) for c in cohorts],
            },
        ],
        y_title=str(_("seats")),
        stacked=True,
    )
    return render(
        request,
        "returns/cohort_list.html",
        {
            "cohorts": cohorts,
            "form": form,
            "schedule_form": RunForm(prefix="schedule") if can_plan else None,
            "capacity_chart": capacity if cohorts else None,
            "today": timezone.localdate(),
            "unconfirmed": unconfirmed,
            "departure_days": settings.WORKLIST_DEPARTURE_DAYS,
            "programmes": programmes,
            "programme": programme,
        },
    )


@acts_on_personal_data
@require_POST
def cohorts_schedule_view(request: HttpRequest) -> HttpResponse:
    require(request.user, RETURN_PLAN)
    form = RunForm(request.POST, prefix="schedule")
    form.fields["scope"].required = False
    if not form.is_valid():
        messages.error(request, _("Choose the districts to schedule."))
        return redirect("returns:cohort_list")
    result = cohorts_schedule(by=request.user, districts=list(form.cleaned_data["districts"]))
    messages.success(
        request,
        _(
            "%(n)d households scheduled, %(w)d still waiting for seats. "
            "Schedule %(status)s, proven within %(gap).2f %% of the best possible."
        )
        % {
            "n": result.scheduled,
            "w": result.waiting,
            "status": result.status,
            "gap": 100 * result.gap,
        },
    )
    return redirect("returns:cohort_list")


@personal_data(AccessLog.Action.VIEW)
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """A departure's passenger list: the check-in at the assembly point, printed on A4."""
    cohort = get_object_or_404(cohort_list_for_user(request.user), pk=cohort_id)
    return render(
        request,
        "returns/cohort_detail.html",
        {
            "cohort": cohort,
            "heading": departure_title(cohort),
            "rows": passenger_list(request.user, cohort),
            "can_answer": user_can(request.user, HOUSEHOLD_CHANGE),
            "today": timezone.localdate(),
        },
    )


@personal_data(AccessLog.Action.EXPORT)
def cohort_passengers_export(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The passenger list as a workbook, its columns in the language of the page."""
    require(request.user, HOUSEHOLD_EXPORT)
    cohort = get_object_or_404(cohort_list_for_user(request.user), pk=cohort_id)
    response = HttpResponse(
        passenger_workbook(cohort, passenger_list(request.user, cohort)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"passengers-{cohort.destination.code}-{cohort.move_date:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@acts_on_personal_data
@require_POST
def passengers_confirm_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Confirm the seats ticked on the passenger list; say which were, and which were
    refused and why."""
    require(request.user, HOUSEHOLD_CHANGE)
    cohort = get_object_or_404(cohort_list_for_user(request.user), pk=cohort_id)
    passengers = list(
        cohort.passengers.filter(
            pk__in=_chosen(request, "passenger"),
            reservation__household__in=household_list_for_user(request.user).values("pk"),
        ).select_related("reservation__household")
    )
    if not passengers:
        messages.error(request, _("Choose the households whose seats are confirmed."))
        return redirect("returns:cohort_detail", cohort_id=cohort.pk)
    outcomes = passengers_confirm(passengers=passengers, by=request.user)
    confirmed = [o.reference for o in outcomes if o.done]
    if confirmed:
        messages.success(
            request,
            ngettext(
                "%(n)d seat confirmed: %(references)s.",
                "%(n)d seats confirmed: %(references)s.",
                len(confirmed),
            )
            % {"n": len(confirmed), "references": ", ".join(confirmed)},
        )
    for outcome in outcomes:
        if not outcome.done:
            messages.error(
                request,
                _("%(reference)s not confirmed: %(reason)s")
                % {"reference": outcome.reference, "reason": outcome.refusal},
            )
    return redirect("returns:cohort_detail", cohort_id=cohort.pk)


@acts_on_personal_data
@require_POST
def cohort_depart_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    cohort = get_object_or_404(cohort_list_for_user(request.user), pk=cohort_id)
    try:
        cohort_depart(cohort=cohort, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The departure is recorded as left."))
    return redirect("returns:cohort_detail", cohort_id=cohort.pk)


@acts_on_personal_data
@require_POST
def passenger_answer_view(request: HttpRequest, passenger_id: int) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    passenger = get_object_or_404(
        Passenger.objects.filter(
            reservation__household__in=household_list_for_user(request.user).values("pk")
        ),
        pk=passenger_id,
    )
    try:
        passenger_answer(
            passenger=passenger,
            by=request.user,
            travels=request.POST.get("travels") == "yes",
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(reference)s: recorded.")
            % {"reference": passenger.reservation.household.reference},
        )
    return redirect("returns:cohort_detail", cohort_id=passenger.cohort_id)


@acts_on_personal_data
@require_POST
def follow_up_view(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_get_for_user(request.user, household_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the visit and what it found."))
    else:
        try:
            follow_up_record(household=household, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Follow-up visit recorded."))
    return redirect("registry:household_detail", household_id=household.pk)


@personal_data(AccessLog.Action.VIEW)
def household_steps_view(request: HttpRequest, household_id: int) -> HttpResponse:
    """Record a step before return done by a household of a cross-border programme (its
    policy's steps replace land release), with the day; the steps done and to do."""
    require(request.user, HOUSEHOLD_CHANGE)
    household = household_get_for_user(request.user, household_id)
    access_shown(request, household.reference)
    version = steps_version(household)
    if version is None:
        raise Http404("This household's programme has no steps before return in force.")
    steps = household_steps(household, version)
    pending = [(s.key, s.label) for s in steps if not s.done]
    form = StepDoneForm(request.POST or None, steps=pending) if pending else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            return_step_record(household=household, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.extra.get("field"), exc.message)
        else:
            messages.success(
                request,
                _("%(reference)s: %(step)s recorded as done on %(date)s.")
                % {
                    "reference": household.reference,
                    "step": dict(pending)[form.cleaned_data["step"]],
                    "date": short_date(form.cleaned_data["date"]),
                },
            )
            return redirect("registry:household_detail", household_id=household.pk)
    return render(
        request,
        "returns/household_steps.html",
        {"household": household, "version": version, "steps": steps, "form": form},
    )
