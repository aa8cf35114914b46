from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from homecoming.accounts.access import HOUSEHOLD_CHANGE, RETURN_PLAN, require
from homecoming.core.errors import ApplicationError
from homecoming.places.models import Area
from homecoming.returns.models import AllocationRun, Reservation
from homecoming.returns.selectors import offer_list_for_user
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    keys_hand_over,
    offer_accept,
    offer_appeal,
    offer_decline,
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


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    require(request.user, RETURN_PLAN)
    run = get_object_or_404(AllocationRun, pk=run_id)
    results = run.results.select_related(
        "household__origin_settlement", "unit__building__settlement"
    )
    housed = Counter(r.household.origin_settlement.name for r in results if r.unit_id)
    waiting = Counter(r.household.origin_settlement.name for r in results if not r.unit_id)
    settlements = sorted(set(housed) | set(waiting))
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
            "by_settlement": [(s, housed[s], waiting[s]) for s in settlements],
            "housed": sum(housed.values()),
            "waiting": sum(waiting.values()),
        },
    )


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


def offer_list(request: HttpRequest) -> HttpResponse:
    require(request.user, HOUSEHOLD_CHANGE)
    offers = offer_list_for_user(request.user).order_by("offer_deadline", "household__reference")
    pending = offers.filter(status=Reservation.Status.ACTIVE, answer=Reservation.Answer.PENDING)
    answered = offers.exclude(answer=Reservation.Answer.PENDING).select_related("handover")[:50]
    return render(
        request,
        "returns/offer_list.html",
        {"pending": pending, "answered": answered, "today": timezone.localdate()},
    )


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
