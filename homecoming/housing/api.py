from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.personal import no_personal_data
from homecoming.core.api import validated_query
from homecoming.housing import selectors
from homecoming.housing.models import HousingUnit, Project, Utility
from homecoming.mineaction.selectors import scoped
from homecoming.places.models import Settlement


class ProjectFilter(serializers.Serializer):
    district = serializers.CharField(required=False, allow_blank=True, max_length=20)
    sector = serializers.ChoiceField(choices=Project.Sector.choices, required=False)
    status = serializers.ChoiceField(choices=Project.Status.choices, required=False)


class UnitFilter(serializers.Serializer):
    settlement = serializers.CharField(required=False, allow_blank=True, max_length=20)
    status = serializers.ChoiceField(choices=HousingUnit.Status.choices, required=False)
    rooms = serializers.IntegerField(required=False, min_value=1, max_value=50)
    step_free = serializers.BooleanField(required=False, allow_null=True, default=None)


class ProjectOutput(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    settlement = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "sector",
            "type",
            "district",
            "settlement",
            "site",
            "implementing_organisation",
            "funding_organisation",
            "currency",
            "budget",
            "committed",
            "disbursed",
            "spent",
            "amounts_date",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "source",
        ]


class UnitOutput(serializers.ModelSerializer):
    building = serializers.SlugRelatedField(slug_field="code", read_only=True)
    settlement = serializers.CharField(source="building.settlement.code", read_only=True)
    project = serializers.CharField(source="building.project.code", read_only=True)

    class Meta:
        model = HousingUnit
        fields = [
            "id",
            "building",
            "settlement",
            "project",
            "number",
            "floor",
            "rooms",
            "area_m2",
            "step_free",
            "status",
            "status_since",
        ]


class UtilityOutput(serializers.ModelSerializer):
    settlement = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Utility
        fields = ["settlement", "service", "status", "commissioned_on", "note", "source"]


class ServiceCheckOutput(serializers.Serializer):
    service = serializers.CharField()
    required = serializers.BooleanField()
    status = serializers.CharField(allow_null=True)
    since = serializers.DateField(allow_null=True)
    ok = serializers.BooleanField()


class ReadinessOutput(serializers.Serializer):
    settlement = serializers.CharField(source="settlement.code")
    ready = serializers.BooleanField()
    land_ready = serializers.BooleanField(source="land.ready")
    land_since = serializers.DateField(allow_null=True)
    blocking_hazard_areas = serializers.SerializerMethodField()
    services = ServiceCheckOutput(many=True)
    available_units = serializers.IntegerField()
    units_by_rooms = serializers.DictField(child=serializers.IntegerField())

    def get_blocking_hazard_areas(self, readiness) -> list[str]:
        return [reason.text for reason in readiness.land.reasons]


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[ProjectFilter]))
class ProjectListApi(ListAPIView):
    serializer_class = ProjectOutput

    def get_queryset(self) -> QuerySet[Project]:
        filters = validated_query(ProjectFilter, self.request)
        projects = selectors.project_list_for_user(self.request.user)
        if filters.get("district"):
            projects = projects.filter(district__code=filters["district"])
        for field in ("sector", "status"):
            if filters.get(field):
                projects = projects.filter(**{field: filters[field]})
        return projects.order_by("code")


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[UnitFilter]))
class UnitListApi(ListAPIView):
    serializer_class = UnitOutput

    def get_queryset(self) -> QuerySet[HousingUnit]:
        filters = validated_query(UnitFilter, self.request)
        units = selectors.unit_list_for_user(self.request.user)
        if filters.get("settlement"):
            units = units.filter(building__settlement__code=filters["settlement"])
        if filters.get("status"):
            units = units.filter(status=filters["status"])
        if filters.get("rooms"):
            units = units.filter(rooms=filters["rooms"])
        if filters.get("step_free") is not None:
            units = units.filter(step_free=filters["step_free"])
        return units.order_by("building__code", "number")


@no_personal_data
class UtilityListApi(ListAPIView):
    serializer_class = UtilityOutput

    def get_queryset(self) -> QuerySet[Utility]:
        return scoped(
            Utility.objects.select_related("settlement"), self.request.user, "settlement__district"
        ).order_by("settlement__code", "service")


@no_personal_data
class SettlementReadinessApi(APIView):
    """Can households return to this settlement, how many, and if not, what is missing."""

    @extend_schema(responses=ReadinessOutput)
    def get(self, request: Request, code: str) -> Response:
        try:
            settlement = Settlement.objects.select_related("district").get(code=code)
        except Settlement.DoesNotExist as exc:
            raise Http404("No settlement with this code.") from exc
        return Response(ReadinessOutput(selectors.settlement_return_readiness(settlement)).data)
