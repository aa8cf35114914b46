from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.monitoring.selectors import discrepancy_rows


class DiscrepancyOutput(serializers.Serializer):
    kind = serializers.CharField()
    indicator = serializers.CharField()
    place = serializers.CharField()
    severity = serializers.CharField()
    relative_difference = serializers.FloatField()
    status = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    value_a = serializers.CharField()
    unit_a = serializers.CharField()
    as_of_a = serializers.CharField(allow_blank=True)
    source_a = serializers.CharField()
    value_b = serializers.CharField()
    unit_b = serializers.CharField()
    as_of_b = serializers.CharField(allow_blank=True)
    source_b = serializers.CharField()


class DiscrepancyListApi(APIView):
    """Discrepancies between published figures, each with both figures and their sources."""

    @extend_schema(responses=DiscrepancyOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(DiscrepancyOutput(discrepancy_rows(), many=True).data)
