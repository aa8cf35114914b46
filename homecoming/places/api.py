from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.core.api import Pagination
from homecoming.places import selectors
from homecoming.places.models import Area, Settlement


class AreaOutput(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Area
        fields = ["code", "level", "name", "name_az", "name_ru", "parent", "lat", "lon",
                  "coordinates_approximate", "note"]


class SettlementOutput(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Settlement
        fields = ["code", "kind", "name", "name_az", "name_ru", "district", "municipality",
                  "lat", "lon", "coordinates_approximate", "footprint", "note"]


class AreaFilter(serializers.Serializer):
    level = serializers.ChoiceField(choices=Area.Level.choices, required=False)
    parent = serializers.CharField(required=False, max_length=20,
                                   help_text="code of the parent area")


class SettlementFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text="words found in any name or the code, any case or accent")
    district = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                     help_text="district code")
    kind = serializers.ChoiceField(choices=Settlement.Kind.choices, required=False)


class AreaListApi(APIView):
    @extend_schema(parameters=[AreaFilter], responses=AreaOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = AreaFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        areas = Area.objects.select_related("parent").order_by("code")
        if "level" in filters.validated_data:
            areas = areas.filter(level=filters.validated_data["level"])
        if "parent" in filters.validated_data:
            areas = areas.filter(parent__code=filters.validated_data["parent"])
        paginator = Pagination()
        page = paginator.paginate_queryset(areas, request, view=self)
        return paginator.get_paginated_response(AreaOutput(page, many=True).data)


class SettlementListApi(APIView):
    @extend_schema(parameters=[SettlementFilter], responses=SettlementOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = SettlementFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        settlements = selectors.settlement_search(**filters.validated_data).select_related(
            "municipality"
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(settlements, request, view=self)
        return paginator.get_paginated_response(SettlementOutput(page, many=True).data)


class SettlementDetailApi(APIView):
    @extend_schema(responses=SettlementOutput)
    def get(self, request: Request, code: str) -> Response:
        try:
            settlement = selectors.settlement_get(code)
        except Settlement.DoesNotExist as exc:
            raise Http404 from exc
        return Response(SettlementOutput(settlement).data)
