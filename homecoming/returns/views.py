from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from homecoming.accounts.access import HOUSEHOLD_CHANGE, RETURN_PLAN, require, user_can
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import acts_on_personal_data, no_personal_data, personal_data
from homecoming.core.charts import chart
from homecoming.core.errors import ApplicationError
from homecoming.places.models import Area
from homecoming.registry.selectors import household_get_for_user, household_list_for_user
from homecoming.returns.forms import CohortForm, FollowUpForm
from homecoming.returns.models import AllocationRun, Passenger, Reservation
from homecoming.returns.selectors import (
    cohort_list_for_user,
    departures_unconfirmed,
    offer_list_for_user,
    offers_awaiting_answer,
    run_by_settlement,
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
    passenger_answer,
)


class RunForm(forms.Form):
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=Area.objects.filter(level=Area.Level.DISTRICT, settlements__isnull=False)
        .distinct()
        .order_by("name"),
        to_field_name="code",
    )
    scope = forms.ChoiceField(
        label=_("Where a household may be housed"), choices=AllocationRun.Scope.choices
    )


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
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("returns:run_detail", run_id=run.pk)
    runs = AllocationRun.objects.prefetch_related("districts").select_related("created_by")[:30]
    return render(request, "returns/run_list.html", {"form": form, "runs": runs})


@personal_data(AccessLog.Action.VIEW)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    require(request.user, RETURN_PLAN)
    run = get_object_or_404(AllocationRun, pk=run_id)
    results = run.results.select_related(
        "household__origin_settlement", "unit__building__settlement"
    )
    by_settlement = run_by_settlement(run)
    shown = results
    if request.GET.get("show") == "waiting":
        shown = results.filter(unit=None)
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
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
        },
    )


@acts_on_personal_data
@require_POST
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    require(request.user, RETURN_PLAN)
    run = get_object_or_404(AllocationRun, pk=run_id)
    try:
        reserved = allocation_approve(run=run, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d homes reserved.") % {"n": reserved})
    return redirect("returns:run_detail", run_id=run.pk)


@personal_data(AccessLog.Action.VIEW)
def offer_list(request: HttpRequest) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    offers = offer_list_for_user(request.user).order_by("offer_deadline", "household__reference")
    pending = offers_awaiting_answer(offers)
    # The latest answers first: the accepted offers waiting for their keys are recent ones.
    answered = (
        offers.exclude(answer=Reservation.Answer.PENDING)
        .select_related("handover")
        .order_by("-answered_on", "household__reference")[:50]
    )
    return render(
        request,
        "returns/offer_list.html",
        {"pending": pending, "answered": answered, "today": timezone.localdate()},
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
    return redirect("returns:offer_list")


@acts_on_personal_data
@require_POST
def offer_handover(request: HttpRequest, offer_id: int) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    offer = get_object_or_404(offer_list_for_user(request.user), pk=offer_id)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date, the number of keys and the signed form."))
        return redirect("returns:offer_list")
    try:
        keys_hand_over(offer=offer, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Keys handed over: %(ref)s has returned.") % {"ref": offer.household.reference},
        )
    return redirect("returns:offer_list")


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
    cohort = get_object_or_404(cohort_list_for_user(request.user), pk=cohort_id)
    passengers = cohort.passengers.select_related(
        "reservation__household__origin_settlement", "reservation__unit__building"
    )
    visible = household_list_for_user(request.user).values("pk")
    return render(
        request,
        "returns/cohort_detail.html",
        {
            "cohort": cohort,
            "passengers": passengers.filter(reservation__household__in=visible),
            "can_answer": user_can(request.user, HOUSEHOLD_CHANGE),
            "today": timezone.localdate(),
        },
    )


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
