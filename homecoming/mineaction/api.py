from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.personal import no_personal_data
from homecoming.core.api import validated_query
from homecoming.mineaction.models import (
    DeviceReport,
    HazardArea,
    LandReleaseActivity,
    Victim,
)
from homecoming.mineaction.selectors import hazard_area_list_for_user, scoped


class DistrictFilter(serializers.Serializer):
    district = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="district code"
    )


class HazardFilter(DistrictFilter):
    status = serializers.ChoiceField(choices=HazardArea.Status.choices, required=False)


class HazardAreaOutput(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    settlements = serializers.SlugRelatedField(slug_field="code", read_only=True, many=True)

    class Meta:
        model = HazardArea
        fields = [
            "code",
            "kind",
            "contamination",
            "district",
            "settlements",
            "polygon",
            "area_m2",
            "released_m2",
            "status",
            "blocked_land_use",
            "priority",
            "source",
            "info_date",
        ]


class ActivityOutput(serializers.ModelSerializer):
    hazard_area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LandReleaseActivity
        fields = [
            "reference",
            "hazard_area",
            "method",
            "organisation",
            "start_date",
            "end_date",
            "status",
            "cancelled_m2",
            "reduced_m2",
            "cleared_m2",
            "handover_date",
            "certificate",
        ]


class DeviceReportOutput(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    activity = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)

    class Meta:
        model = DeviceReport
        fields = [
            "reference",
            "district",
            "week",
            "activity",
            "ap_mines",
            "at_mines",
            "uxo",
            "axo",
            "source",
        ]


class CasualtiesByYear(serializers.Serializer):
    year = serializers.IntegerField()
    district = serializers.CharField()
    killed = serializers.IntegerField()
    injured = serializers.IntegerField()


def _by_district(queryset: QuerySet, request: Request, field: str = "district") -> QuerySet:
    filters = validated_query(DistrictFilter, request)
    if filters.get("district"):
        queryset = queryset.filter(**{f"{field}__code": filters["district"]})
    return queryset


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[HazardFilter]))
class HazardAreaListApi(ListAPIView):
    serializer_class = HazardAreaOutput

    def get_queryset(self) -> QuerySet[HazardArea]:
        filters = validated_query(HazardFilter, self.request)
        hazards = _by_district(hazard_area_list_for_user(self.request.user), self.request)
        if filters.get("status"):
            hazards = hazards.filter(status=filters["status"])
        return hazards.prefetch_related("settlements").order_by("code")


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[DistrictFilter]))
class ActivityListApi(ListAPIView):
    serializer_class = ActivityOutput

    def get_queryset(self) -> QuerySet[LandReleaseActivity]:
        activities = scoped(
            LandReleaseActivity.objects.select_related("hazard_area"),
            self.request.user,
            "hazard_area__district",
        )
        return _by_district(activities, self.request, "hazard_area__district").order_by(
            "start_date", "reference"
        )


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[DistrictFilter]))
class DeviceReportListApi(ListAPIView):
    serializer_class = DeviceReportOutput

    def get_queryset(self) -> QuerySet[DeviceReport]:
        reports = scoped(
            DeviceReport.objects.select_related("district", "activity"), self.request.user
        )
        return _by_district(reports, self.request).order_by("week", "reference")


@no_personal_data
class CasualtiesApi(APIView):
    """Mine casualties by year and district: aggregates only, never individual victims."""

    @extend_schema(parameters=[DistrictFilter], responses=CasualtiesByYear(many=True))
    def get(self, request: Request) -> Response:
        victims = _by_district(
            scoped(Victim.objects.all(), request.user, "accident__district"),
            request,
            "accident__district",
        )
        rows = (
            victims.annotate(year=ExtractYear("accident__date"))
            .values("year", "accident__district__code")
            .annotate(
                killed=Count("id", filter=Q(outcome=Victim.Outcome.KILLED)),
                injured=Count("id", filter=Q(outcome=Victim.Outcome.INJURED)),
            )
            .order_by("year", "accident__district__code")
        )
        data = [
            {
                "year": r["year"],
                "district": r["accident__district__code"],
                "killed": r["killed"],
                "injured": r["injured"],
            }
            for r in rows
        ]
        return Response(CasualtiesByYear(data, many=True).data)
