from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from homecoming.accounts.personal import no_personal_data
from homecoming.core.api import validated_query
from homecoming.returns.models import Cohort
from homecoming.returns.selectors import cohort_list_for_user


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
