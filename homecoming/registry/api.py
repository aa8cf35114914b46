from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import access_shown, personal_data
from homecoming.core.api import validated_query
from homecoming.registry.models import Household, Member
from homecoming.registry.selectors import (
    household_get_for_user,
    household_list_for_user,
    household_search,
)


class MemberOutput(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = [
            "id",
            "relation",
            "given_name",
            "family_name",
            "patronymic",
            "sex",
            "birth_date",
            "birth_year_only",
        ]


class HouseholdOutput(serializers.ModelSerializer):
    origin_settlement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    size = serializers.IntegerField(read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "reference",
            "origin_settlement",
            "origin_address",
            "displaced_on",
            "accommodation",
            "status",
            "registered_on",
            "is_synthetic",
            "size",
        ]


class HouseholdDetailOutput(HouseholdOutput):
    members = MemberOutput(many=True, read_only=True)

    class Meta(HouseholdOutput.Meta):
        fields = [*HouseholdOutput.Meta.fields, "members"]


class HouseholdFilter(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=(
            "words of one member's names, in any spelling or script (the first six are "
            "used); or a document number, a phone or a household reference"
        ),
    )
    settlement = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="origin settlement code"
    )


@personal_data(AccessLog.Action.API)
@extend_schema_view(get=extend_schema(parameters=[HouseholdFilter]))
class HouseholdListApi(ListAPIView):
    serializer_class = HouseholdOutput

    def get_queryset(self):
        filters = validated_query(HouseholdFilter, self.request)
        return household_search(household_list_for_user(self.request.user), **filters)


@personal_data(AccessLog.Action.API)
class HouseholdDetailApi(APIView):
    @extend_schema(responses=HouseholdDetailOutput)
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_for_user(request.user, household_id)
        access_shown(request, household.reference)
        return Response(HouseholdDetailOutput(household).data)
