"""The pages that combine domains: the home page, the settlement and area pages, the
household page (the registry's record with the household's road home), a record's audit trail
(and `health`, which asks the database through places)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.accounts.access import (
    HISTORY_VIEW,
    HOUSEHOLD_CHANGE,
    HOUSEHOLD_EXPORT,
    HOUSEHOLD_VIEW,
    Scope,
    district_scope,
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
from homecoming.core.export import csv_response
from homecoming.housing.selectors import settlement_return_readiness
from homecoming.mineaction.models import HazardArea
from homecoming.mineaction.selectors import hazards_geojson
from homecoming.monitoring.selectors import figures_about
from homecoming.places.models import Area, Settlement
from homecoming.places.selectors import (
    area_get,
    settlement_get,
    settlement_search,
    settlements_geojson,
)
from homecoming.registry import forms as registry_forms
from homecoming.registry.forms import HouseholdFilterForm
from homecoming.registry.models import ChangeRequest, Household
from homecoming.registry.selectors import (
    duplicate_candidate_list_for_user,
    duplicate_reviews_of,
    household_get_for_user,
    household_list_for_user,
    household_page,
    household_search,
    household_search_listed,
    programmes_visible,
)
from homecoming.registry.views import household_change_page
from homecoming.returns import services as returns_services
from homecoming.returns.forms import FollowUpForm
from homecoming.returns.road import Step
from homecoming.returns.selectors import (
    held_by,
    household_priority,
    household_steps,
    households_by_eligibility,
    households_follow_up_due,
    households_with_eligibility,
    road_home,
)
from homecoming.site.history import household_events, record_history_for_user
from homecoming.site.selectors import home_figures
from homecoming.site.worklist import worklist


@no_personal_data
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    scope = district_scope(user)
    districts = Area.objects.filter(level=Area.Level.DISTRICT)
    households, funnel = home_figures(user, today=today)
    context = {
        "funnel_chart": chart(
            [
                {
                    "type": "funnel",
                    "y": [str(_(step)) for step, _n in funnel],
                    "x": [n for _step, n in funnel],
                    "textinfo": "value+percent initial",
                }
            ],
            y_title="",
        )
        if funnel
        else None,
        "districts": districts.count(),
        "settlements": Settlement.objects.count(),
        "my_districts": None if scope is None else districts.filter(pk__in=scope).order_by("name"),
        "households": households,
        "worklist": worklist(user, today=today),
    }
    return render(request, "core/home.html", context)


@no_personal_data
@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make demo`'s wait: the app answers and reaches its database."""
    Area.objects.exists()
    return JsonResponse({"status": "ok", "database": settings.DATABASES["default"]["ENGINE"]})


@no_personal_data
def settlement_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        settlement = settlement_get(code)
    except Settlement.DoesNotExist as exc:
        raise Http404("No such settlement.") from exc
    households = None
    if user_can(request.user, HOUSEHOLD_VIEW):
        households = (
            household_list_for_user(request.user).filter(origin_settlement=settlement).count()
        )
    readiness = settlement_return_readiness(settlement)
    land = readiness.land
    geojson = settlements_geojson(
        settlement_search(district=settlement.district.code),
        current=settlement.code,
    )
    hazards = hazards_geojson(
        HazardArea.objects.filter(pk__in=[h.pk for h in land.hazards]), Settlement.objects.none()
    )["features"]
    # Hazard areas near the settlement may lie outside the user's districts: shown, not linked.
    scope = Scope(request.user)
    linked = {h.code for h in land.hazards if h.district_id in scope}
    for feature in hazards:
        feature["properties"]["linked"] = feature["properties"]["code"] in linked
    geojson["features"] += hazards
    return render(
        request,
        "places/settlement_detail.html",
        {
            "settlement": settlement,
            "households": households,
            "geojson": geojson,
            "figures": figures_about(settlement),
            "land": land,
            "readiness": readiness,
        },
    )


@no_personal_data
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        area = area_get(code)
    except Area.DoesNotExist as exc:
        raise Http404("No such area.") from exc
    settlements = settlement_search(district=code) if area.level == "district" else None
    return render(
        request,
        "places/area_detail.html",
        {
            "area": area,
            "children": area.children.order_by("name"),
            "settlements": settlements,
            "figures": figures_about(area),
        },
    )


@personal_data(AccessLog.Action.HISTORY)
def record_history(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """The audit trail of one record and its parts; reading a household's is itself logged."""
    require(request.user, HISTORY_VIEW)
    history = record_history_for_user(request.user, kind, key)
    access_shown(request, str(history.record) if history.personal else None)
    template = "core/_history_table.html" if request.htmx else "accounts/record_history.html"
    return render(request, template, {"history": history})


@personal_data(AccessLog.Action.VIEW)
def household_withdraw(request: HttpRequest, household_id: int) -> HttpResponse:
    """Confirm, then withdraw: the page names the household, what withdrawal does and what
    it frees (here, because the offer and the seat are the returns' records)."""
    require(request.user, HOUSEHOLD_CHANGE)
    household = household_get_for_user(request.user, household_id)
    offer, seat = held_by(household)
    freed = []
    if offer is not None:
        freed.append(
            _("Its offer of %(unit)s ends and the home returns to those waiting for one.")
            % {"unit": offer.unit}
        )
    if seat is not None:
        freed.append(
            _("Its seat on the departure to %(place)s on %(date)s is freed.")
            % {"place": seat.cohort.destination, "date": date_format(seat.cohort.move_date)}
        )
    return household_change_page(
        request,
        household,
        registry_forms.WithdrawForm(request.POST or None),
        lambda f: returns_services.household_withdraw(
            household=household, by=request.user, reason=f.cleaned_data["reason"]
        ),
        title=_("Withdraw household %(reference)s?") % {"reference": household.reference},
        submit=_("Withdraw the household"),
        done=_("Household withdrawn."),
        consequences=[
            _("The household leaves the lists of households waiting to return."),
            _("No home is allocated to it while it is withdrawn."),
            *freed,
            _(
                "Its record and history are kept. Reinstating it is a change that another "
                "officer approves."
            ),
        ],
    )


@acts_on_personal_data
@require_POST
def duplicate_resolve(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Record the judgement of a pair; the household withdrawn as a duplicate frees its offer
    and seat (here, because those are the returns' records)."""
    candidate = get_object_or_404(duplicate_candidate_list_for_user(request.user), pk=candidate_id)
    form = registry_forms.DuplicateDecisionForm(request.POST, candidate=candidate)
    if not form.is_valid():
        messages.error(request, _("Choose which household to keep."))
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    try:
        returns_services.duplicate_resolve(candidate=candidate, by=request.user, **form.decision())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    messages.success(request, _("Decision recorded."))
    return redirect("registry:duplicate_list")


@personal_data(AccessLog.Action.VIEW)
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_get_for_user(request.user, household_id)
    access_shown(request, household.reference)
    can_change = user_can(request.user, HOUSEHOLD_CHANGE)
    road = road_home(household)
    steps = household_steps(household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": household.members.prefetch_related("documents"),
            "consent": household.consents.filter(withdrawn_on=None).first(),
            "events": household_events(household),
            "pending": household.change_requests.filter(status=ChangeRequest.Status.PENDING),
            "duplicates": duplicate_reviews_of(request.user, household),
            "road": road,
            "priority": household_priority(household),
            "steps": steps,
            "steps_to_do": any(not s.done for s in steps),
            "returned": any(s.name == Step.RETURNED and s.done for s in road),
            "follow_ups": household.follow_ups.select_related("officer"),
            "follow_up_form": FollowUpForm(),
            "can_change": can_change,
            "forms": {
                "intention": registry_forms.IntentionForm(
                    initial={"intention": household.intention}
                ),
                "consent": registry_forms.ConsentForm(),
            }
            if can_change
            else {},
        },
    )


def _households_filtered(request: HttpRequest) -> tuple[HouseholdFilterForm, QuerySet[Household]]:
    """The households the list and its export show: the user's, narrowed by eligibility
    (from returns) when asked; the registry's filters apply after."""
    form = HouseholdFilterForm(request.GET, programmes=programmes_visible(request.user))
    households = household_list_for_user(request.user)
    programme = form.chosen_programme()
    if programme is not None:
        households = households.filter(programme_id=programme.pk)
    eligible = form.chosen_eligibility()
    if eligible is not None:
        households = households_by_eligibility(households, eligible=eligible)
    if form.chosen_follow_up_due():
        households = households_follow_up_due(households, today=timezone.localdate())
    return form, households


def _keyset(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@personal_data(AccessLog.Action.SEARCH)
def household_list(request: HttpRequest) -> HttpResponse:
    """The case list: each household's head, size, origin, accommodation, status,
    intention and eligibility, with filters for each, a sort, and keyset paging, since
    a national list is too long to count and to page by offsets."""
    form, households = _households_filtered(request)
    found = household_search_listed(households_with_eligibility(households), **form.filters())
    page = household_page(
        found.households,
        sort=form.chosen_sort(),
        after=_keyset(request.GET.get("after")),
        before=_keyset(request.GET.get("before")),
    )
    number = _keyset(request.GET.get("page")) or 1
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "page_number": number if page.previous_before else 1,
            "pages": -(-found.count // page.per_page),
            "count": found.count,
            "more": found.more,
            "left_out": found.left_out,
            "origins": found.origins,
            "sort": form.chosen_sort(),
            "can_register": user_can(request.user, HOUSEHOLD_CHANGE),
        },
    )


@personal_data(AccessLog.Action.EXPORT)
def household_export(request: HttpRequest) -> StreamingHttpResponse:
    """The households of the list, as CSV: the same access and filters as the page."""
    require(request.user, HOUSEHOLD_EXPORT)
    form, households = _households_filtered(request)
    households = household_search(households, **form.filters())
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
