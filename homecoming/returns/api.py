from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import access_shown, no_personal_data, personal_data
from homecoming.core.api import validated_query
from homecoming.registry.models import Household
from homecoming.registry.selectors import household_get_for_user
from homecoming.returns.models import Cohort
from homecoming.returns.road import ROAD, State, Step
from homecoming.returns.selectors import cohort_list_for_user, road_home


class CohortFilter(serializers.Serializer):
    destination = serializers.CharField(required=False, allow_blank=True, max_length=20)
    status = serializers.ChoiceField(choices=Cohort.Status.choices, required=False)
    move_date_from = serializers.DateField(required=False)
    move_date_to = serializers.DateField(required=False)


class CohortOutput(serializers.ModelSerializer):
    destination = serializers.SlugRelatedField(slug_field="code", read_only=True)
    households = serializers.IntegerField(read_only=True)
    seats_taken = serializers.IntegerField(source="taken", read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "move_date",
            "destination",
            "transport",
            "seats",
            "seats_taken",
            "households",
            "status",
        ]


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[CohortFilter]))
class CohortListApi(ListAPIView):
    """Departures to the user's districts with their seats and households (no names)."""

    serializer_class = CohortOutput

    def get_queryset(self) -> QuerySet[Cohort]:
        filters = validated_query(CohortFilter, self.request)
        cohorts = cohort_list_for_user(self.request.user)
        if filters.get("destination"):
            cohorts = cohorts.filter(destination__code=filters["destination"])
        if filters.get("status"):
            cohorts = cohorts.filter(status=filters["status"])
        if filters.get("move_date_from"):
            cohorts = cohorts.filter(move_date__gte=filters["move_date_from"])
        if filters.get("move_date_to"):
            cohorts = cohorts.filter(move_date__lte=filters["move_date_to"])
        return cohorts.order_by("move_date", "destination__code", "pk")


class RoadStepOutput(serializers.Serializer):
    step = serializers.ChoiceField(choices=[s.value for s in ROAD])
    state = serializers.ChoiceField(choices=[s.value for s in State])
    date = serializers.DateField(allow_null=True)


class RoadOutput(serializers.Serializer):
    household = serializers.CharField(help_text="The household's reference.")
    at = serializers.ChoiceField(
        choices=[s.value for s in Step], help_text="The step the household stands at."
    )
    steps = RoadStepOutput(many=True)


@personal_data(AccessLog.Action.API)
class HouseholdRoadApi(APIView):
    """A household's road home (``returns/road.py``, as its page draws it): each step done,
    current or pending, with its date, and the step it stands at."""

    @extend_schema(responses=RoadOutput)
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_for_user(request.user, household_id)
        access_shown(request, household.reference)
        road = road_home(household)
        withdrawn = household.status == Household.Status.WITHDRAWN
        return Response(
            RoadOutput(
                {
                    "household": household.reference,
                    "at": Step.WITHDRAWN if withdrawn else [s.name for s in road if s.done][-1],
                    "steps": [{"step": s.name, "state": s.state, "date": s.date} for s in road],
                }
            ).data
        )
