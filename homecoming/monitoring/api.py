from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.personal import no_personal_data
from homecoming.core.api import validated_query
from homecoming.monitoring import dashboards
from homecoming.monitoring.forecast import Outlook
from homecoming.monitoring.published import returned_table
from homecoming.monitoring.selectors import discrepancy_rows, programme_forecast
from homecoming.places.models import Area


class DiscrepancyOutput(serializers.Serializer):
    kind = serializers.CharField()
    indicator = serializers.CharField()
    place = serializers.CharField()
    severity = serializers.CharField()
    relative_difference = serializers.FloatField()
    status = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    finding = serializers.CharField(
        allow_blank=True,
        help_text="A relation's finding in words: which figures, which relation, by how much.",
    )
    value_a = serializers.CharField()
    unit_a = serializers.CharField()
    as_of_a = serializers.CharField(allow_blank=True)
    source_a = serializers.CharField()
    value_b = serializers.CharField(allow_blank=True)
    unit_b = serializers.CharField(allow_blank=True)
    as_of_b = serializers.CharField(allow_blank=True)
    source_b = serializers.CharField(allow_blank=True)


@no_personal_data
class DiscrepancyListApi(APIView):
    """Discrepancies between published figures, each with both figures and their sources."""

    @extend_schema(responses=DiscrepancyOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response(DiscrepancyOutput(discrepancy_rows(), many=True).data)


class TargetFilter(serializers.Serializer):
    district = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="A district's code: only the targets of that district.",
    )


class OutlookOutput(serializers.Serializer):
    target = serializers.IntegerField(help_text="The target's id.")
    reached_on = serializers.DateField(
        allow_null=True, help_text="The month the median run reaches the value."
    )
    earliest = serializers.DateField(
        allow_null=True, help_text="The month the band's high edge reaches it."
    )
    probability_by_deadline = serializers.FloatField()
    at_deadline_low = serializers.FloatField()
    at_deadline_median = serializers.FloatField()
    at_deadline_high = serializers.FloatField()
    shortfall = serializers.FloatField(help_text="Value minus the median at the deadline.")
    pace_per_month = serializers.FloatField(
        help_text="Returned persons a month over the last six months (the current one so far"
        " included)."
    )
    at_current_pace = serializers.DateField(allow_null=True)
    status = serializers.CharField(
        help_text="met, missed, on_track (the band's low edge reaches the value by the"
        " deadline), off_track (its high edge does not), at_risk (in between)."
    )


class TargetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.CharField(help_text="The computed indicator that measures it.")
    place = serializers.CharField(help_text="The place as published.")
    place_code = serializers.CharField(allow_null=True, help_text="None: the whole programme.")
    value = serializers.FloatField()
    unit = serializers.CharField()
    deadline = serializers.DateField()
    start = serializers.DateField(allow_null=True)
    publisher = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    published = serializers.DateField(allow_null=True)
    computed = serializers.IntegerField(
        allow_null=True, help_text="Returned now, by the records; null when hidden."
    )
    share_done = serializers.FloatField(allow_null=True)
    time_elapsed = serializers.FloatField(allow_null=True)
    outlook = OutlookOutput(allow_null=True)


class ForecastOutput(serializers.Serializer):
    message = serializers.CharField()
    runs = serializers.IntegerField()
    seed = serializers.IntegerField()
    months = serializers.ListField(child=serializers.DateField())
    recorded = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="Cumulative returned persons up to the current month, then null.",
    )
    low = serializers.ListField(child=serializers.FloatField())
    median = serializers.ListField(child=serializers.FloatField())
    high = serializers.ListField(child=serializers.FloatField())
    assumptions = serializers.DictField(child=serializers.CharField())
    outlooks = OutlookOutput(many=True)


def _outlook(target_id: int, outlook: Outlook | None) -> dict | None:
    if outlook is None:
        return None
    low, median, high = outlook.at_deadline
    return {
        "target": target_id,
        "reached_on": outlook.reached_on,
        "earliest": outlook.earliest,
        "probability_by_deadline": outlook.probability_by_deadline,
        "at_deadline_low": low,
        "at_deadline_median": median,
        "at_deadline_high": high,
        "shortfall": outlook.shortfall,
        "pace_per_month": outlook.pace_per_month,
        "at_current_pace": outlook.at_current_pace,
        "status": outlook.status,
    }


@no_personal_data
@extend_schema_view(get=extend_schema(parameters=[TargetFilter]))
class TargetListApi(APIView):
    """Targets with their progress (computed from the records) and the forecast's outlook.

    Programme aggregates: the same for every user, except the count now, which is exact
    only for a user who may view households in the target's place; everyone else gets it
    from the published table of returns, null when hidden (docs/monitoring.md)."""

    @extend_schema(responses=TargetOutput(many=True))
    def get(self, request: Request) -> Response:
        district = validated_query(TargetFilter, request).get("district", "")
        audience = dashboards.audience_for(request.user)
        _projection, progress = dashboards.forecast_shown(
            audience, *programme_forecast(timezone.localdate())
        )
        published = returned_table()
        if district:
            place = Area.objects.filter(code=district, level=Area.Level.DISTRICT).first()
            progress = [
                p
                for p in progress
                if place is not None
                and place.pk
                in (p.target.area_id, p.target.settlement and p.target.settlement.district_id)
            ]
        rows = []
        for p in progress:
            t, computed = p.target, dashboards.target_now(audience, p, published)
            rows.append(
                {
                    "id": t.pk,
                    "indicator": t.indicator.code,
                    "place": t.figure.place_label,
                    "place_code": t.place.code if t.place else None,
                    "value": float(t.value),
                    "unit": t.figure.unit,
                    "deadline": t.deadline,
                    "start": t.start,
                    "publisher": t.figure.publisher,
                    "title": t.figure.title,
                    "url": t.figure.url,
                    "published": t.figure.published,
                    "computed": computed if isinstance(computed, int) else None,
                    "share_done": dashboards.share_shown(p, computed),
                    "time_elapsed": p.time_elapsed,
                    "outlook": _outlook(t.pk, p.outlook),
                }
            )
        return Response(TargetOutput(rows, many=True).data)


@no_personal_data
class ForecastApi(APIView):
    """Cumulative returned persons by month: recorded so far, then the forecast's median and
    band (Monte Carlo, docs/monitoring.md), with each target's outlook."""

    @extend_schema(responses=ForecastOutput)
    def get(self, request: Request) -> Response:
        audience = dashboards.audience_for(request.user)
        projection, progress = dashboards.forecast_shown(
            audience, *programme_forecast(timezone.localdate())
        )
        now = len([a for a in projection.actual if a is not None])
        recorded = dashboards.recorded_returns(audience, projection.months[:now])
        return Response(
            ForecastOutput(
                {
                    "message": projection.message,
                    "runs": projection.runs,
                    "seed": projection.seed,
                    "months": projection.months,
                    "recorded": recorded + [None] * (len(projection.months) - now),
                    "low": projection.projected.low,
                    "median": projection.projected.median,
                    "high": projection.projected.high,
                    "assumptions": {k: str(v) for k, v in projection.assumptions.items()},
                    "outlooks": [_outlook(p.target.pk, p.outlook) for p in progress if p.outlook],
                }
            ).data
        )
