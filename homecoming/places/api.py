from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.personal import no_personal_data
from homecoming.core.api import validated_query
from homecoming.places import selectors
from homecoming.places.models import Area, Settlement


class AreaOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = [
            "code",
            "level",
            "name",
            "name_az",
            "name_ru",
            "parent",
            "lat",
            "lon",
            "coordinates_approximate",
            "note",
        ]


class SettlementOutput(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Settlement
        fields = [
            "code",
            "kind",
            "name",
            "name_az",
            "name_ru",
            "district",
            "municipality",
            "lat",
            "lon",
            "coordinates_approximate",
            "footprint",
            "note",
        ]


class AreaFilter(serializers.Serializer):
    level = serializers.ChoiceField(choices=Area.Level.choices, required=False)
    parent = serializers.CharField(
        required=False, max_length=20, help_text="code of the parent area"
    )


class SettlementFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="words of any name in any spelling or script (Кельбаджар), or of the code",
    )
    district = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="district code"
    )
    kind = serializers.ChoiceField(choices=Settlement.Kind.choices, required=False)


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[AreaFilter]))
class AreaListApi(ListAPIView):
    serializer_class = AreaOutput

    def get_queryset(self):
        filters = validated_query(AreaFilter, self.request)
        areas = Area.objects.select_related("parent").order_by("code")
        if "level" in filters:
            areas = areas.filter(level=filters["level"])
        if "parent" in filters:
            areas = areas.filter(parent__code=filters["parent"])
        return areas


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[SettlementFilter]))
class SettlementListApi(ListAPIView):
    serializer_class = SettlementOutput

    def get_queryset(self):
        filters = validated_query(SettlementFilter, self.request)
        return selectors.settlement_search(**filters).select_related("municipality")


@no_personal_data
class SettlementDetailApi(APIView):
    @extend_schema(responses=SettlementOutput)
    def get(self, request: Request, code: str) -> Response:
        try:
            settlement = selectors.settlement_get(code)
        except Settlement.DoesNotExist as exc:
            raise Http404("No settlement with this code.") from exc
        return Response(SettlementOutput(settlement).data)
