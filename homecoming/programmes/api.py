"""The programmes and the versions of their policies, read only (docs/data-formats.md)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from homecoming.accounts.access import POLICY_MANAGE, PROGRAMME_VIEW, require, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.core.api import validated_query
from homecoming.places.models import Area
from homecoming.programmes.models import Phase, PolicyVersion, Programme
from homecoming.programmes.selectors import areas_in_countries, with_counts


class AreaInCountryOutput(serializers.Serializer):
    code = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    level = serializers.CharField(source="area.level")
    country = serializers.CharField(source="country.code", allow_null=True, default=None)


class PhaseOutput(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["name", "name_az", "name_ru", "starts_on", "ends_on"]


class ProgrammeOutput(serializers.ModelSerializer):
    origin_areas = serializers.SerializerMethodField()
    destination_areas = serializers.SerializerMethodField()
    phases = PhaseOutput(many=True, read_only=True)
    households_enrolled = serializers.IntegerField(source="enrolled", read_only=True)
    households_returned = serializers.IntegerField(source="returned", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "code",
            "name",
            "name_az",
            "name_ru",
            "kind",
            "status",
            "description",
            "source",
            "origin_areas",
            "destination_areas",
            "phases",
            "households_enrolled",
            "households_returned",
        ]

    @extend_schema_field(AreaInCountryOutput(many=True))
    def get_origin_areas(self, programme: Programme) -> list[dict]:
        return _areas(programme.origin_areas.all())

    @extend_schema_field(AreaInCountryOutput(many=True))
    def get_destination_areas(self, programme: Programme) -> list[dict]:
        return _areas(programme.destination_areas.all())


def _areas(areas) -> list[dict]:
    ordered = sorted(areas, key=lambda a: a.code)
    return AreaInCountryOutput(areas_in_countries(ordered), many=True).data


class PolicyVersionOutput(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    based_on = serializers.IntegerField(source="based_on.number", allow_null=True, default=None)
    drafted_by = serializers.CharField(source="drafted_by.username", allow_null=True, default=None)
    approved_by = serializers.CharField(
        source="approved_by.username", allow_null=True, default=None
    )

    class Meta:
        model = PolicyVersion
        fields = [
            "programme",
            "number",
            "status",
            "in_force_from",
            "conditions",
            "required_services",
            "priority_factors",
            "offer_answer_days",
            "rooms",
            "steps",
            "note",
            "based_on",
            "drafted_by",
            "drafted_at",
            "approved_by",
            "approved_at",
        ]


class PolicyVersionFilter(serializers.Serializer):
    programme = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="programme code"
    )


def _programmes(user) -> QuerySet[Programme]:
    require(user, PROGRAMME_VIEW)
    return Programme.objects.prefetch_related(
        "phases",
        _areas_prefetch("origin_areas"),
        _areas_prefetch("destination_areas"),
    ).order_by("pk")


def _areas_prefetch(relation: str) -> Prefetch:
    return Prefetch(relation, queryset=Area.objects.select_related("parent__parent__parent"))


@no_personal_data
class ProgrammeListApi(ListAPIView):
    """Every programme with its areas (and their country), phases and households."""

    serializer_class = ProgrammeOutput

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_counts(list(page))

    def get_queryset(self) -> QuerySet[Programme]:
        return _programmes(self.request.user)


@no_personal_data
class ProgrammeDetailApi(RetrieveAPIView):
    serializer_class = ProgrammeOutput

    def get_object(self) -> Programme:
        try:
            programme = _programmes(self.request.user).get(code=self.kwargs["code"])
        except Programme.DoesNotExist as exc:
            raise Http404("No programme with this code.") from exc
        return with_counts([programme])[0]


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[PolicyVersionFilter]))
class PolicyVersionListApi(ListAPIView):
    """The versions of the programmes' policies: the approved ones, and the drafts for those
    who draft and approve them."""

    serializer_class = PolicyVersionOutput

    def get_queryset(self) -> QuerySet[PolicyVersion]:
        require(self.request.user, PROGRAMME_VIEW)
        filters = validated_query(PolicyVersionFilter, self.request)
        versions = PolicyVersion.objects.select_related(
            "programme", "based_on", "drafted_by", "approved_by"
        ).order_by("programme_id", "number")
        if not user_can(self.request.user, POLICY_MANAGE):
            versions = versions.filter(status=PolicyVersion.Status.APPROVED)
        if filters.get("programme"):
            versions = versions.filter(programme__code=filters["programme"])
        return versions
