from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from homecoming.accounts.access import HOUSEHOLD_CHANGE, require
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import access_shown, acts_on_personal_data, personal_data
from homecoming.core.api import validated_query
from homecoming.registry import forms, services
from homecoming.registry.fieldforms import field_form_for_token, field_submission_receive
from homecoming.registry.models import ChangeRequest, Household, IdentityDocument, Member
from homecoming.registry.selectors import (
    household_get_for_user,
    household_list_for_user,
    household_search,
    settlements_for_registration,
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


class ProgrammeOfHousehold(serializers.Serializer):
    """The programme a household is enrolled in: its id, its code (as ``/api/programmes/``
    names it) and its name."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class HouseholdOutput(serializers.ModelSerializer):
    origin_settlement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    size = serializers.IntegerField(read_only=True)
    programme = ProgrammeOfHousehold(read_only=True)

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
            "programme",
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


class MemberRegistration(serializers.Serializer):
    """A member as the registration form takes it (registry/forms.py: MemberForm)."""

    relation = serializers.ChoiceField(choices=Member.Relation.choices)
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Member.Sex.choices)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year_only = serializers.BooleanField(required=False, default=False)
    document_type = serializers.CharField(max_length=20, required=False, allow_blank=True)
    document_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class HouseholdRegistration(serializers.Serializer):
    """A household as the registration form takes it (registry/forms.py: HouseholdForm)."""

    origin_settlement = serializers.CharField(max_length=20, help_text="settlement code")
    origin_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    displaced_on = serializers.DateField(required=False, allow_null=True)
    accommodation = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    members = MemberRegistration(many=True, min_length=1, max_length=20)


class ChangeProposal(serializers.Serializer):
    """A change to propose, as the household page's forms take it (docs/data-formats.md):
    ``origin`` (settlement code, address, date of displacement); ``membership`` (the member
    whose membership ends, when and why); ``new_member`` (a birth, a marriage, someone who
    joined: the member's names, sex, birth, relation, why and since when); ``document`` (a
    member's document added, or one of theirs — ``document`` — changed or ended)."""

    part = serializers.ChoiceField(choices=["origin", "membership", "new_member", "document"])
    reason = serializers.CharField(max_length=300)
    origin_settlement = serializers.CharField(max_length=20, required=False)
    origin_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    displaced_on = serializers.DateField(required=False, allow_null=True)
    member = serializers.IntegerField(required=False)
    left_on = serializers.DateField(required=False)
    left_reason = serializers.CharField(max_length=16, required=False)
    relation = serializers.CharField(max_length=16, required=False)
    given_name = serializers.CharField(max_length=100, required=False)
    family_name = serializers.CharField(max_length=100, required=False)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.CharField(max_length=8, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    joined_reason = serializers.CharField(max_length=16, required=False)
    joined_on = serializers.DateField(required=False, allow_null=True)
    document = serializers.IntegerField(required=False)
    type = serializers.CharField(max_length=20, required=False)
    number = serializers.CharField(max_length=40, required=False)
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expiry = serializers.DateField(required=False, allow_null=True)
    ended = serializers.BooleanField(required=False, default=False)


class ChangeRequestOutput(serializers.ModelSerializer):
    class Meta:
        model = ChangeRequest
        fields = ["id", "part", "proposed", "reason", "status", "requested_at"]


def _form_data(data: dict) -> dict:
    """Validated serializer data as a posted form gives it: text, dates in ISO form."""
    return {k: "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in data.items()}  # fmt: skip


def _valid(form) -> dict:
    """The form's cleaned data, or a 400 with its errors by field (as the page shows them)."""
    if not form.is_valid():
        raise serializers.ValidationError(
            {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    return form.cleaned_data


@personal_data(AccessLog.Action.API)
@extend_schema_view(get=extend_schema(parameters=[HouseholdFilter]))
class HouseholdListApi(ListAPIView):
    """The households the user may see; POST registers one, as the registration page does
    (the same form, the same service): for field apps."""

    serializer_class = HouseholdOutput

    def get_queryset(self):
        filters = validated_query(HouseholdFilter, self.request)
        households = household_search(household_list_for_user(self.request.user), **filters)
        return households.select_related("programme")

    @extend_schema(request=HouseholdRegistration, responses={201: HouseholdDetailOutput})
    def post(self, request: Request) -> Response:
        require(request.user, HOUSEHOLD_CHANGE)
        given = HouseholdRegistration(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        members = data.pop("members")
        household_form = forms.HouseholdForm(
            _form_data(data), settlements=settlements_for_registration(request.user)
        )
        member_forms = [forms.MemberForm(_form_data(m)) for m in members]
        household = _valid(household_form)
        errors = [dict(f.errors) if not f.is_valid() else {} for f in member_forms]
        if any(errors):
            raise serializers.ValidationError(
                {"members": [{k: [str(m) for m in v] for k, v in e.items()} for e in errors]}
            )
        registered = services.household_register(
            by=request.user,
            origin_settlement=household["origin_settlement"],
            origin_address=household["origin_address"],
            displaced_on=household["displaced_on"],
            accommodation=household["accommodation"],
            accommodation_place=household["accommodation_place"],
            phone=household["phone"],
            members=[f.member_input() for f in member_forms],
            source="api",
        )
        return Response(HouseholdDetailOutput(registered).data, status=status.HTTP_201_CREATED)


def _of_household(household: Household, data: dict, field: str) -> Member | IdentityDocument:
    """The household's member or document that ``data[field]`` names; a 400 otherwise."""
    if field == "member":
        found = Member.objects.filter(pk=data.get(field) or None, household=household).first()
        missing = _("No such member in this household.")
    else:
        found = IdentityDocument.objects.filter(
            pk=data.get(field) or None, member__household=household
        ).first()
        missing = _("No such document in this household.")
    if found is None:
        raise serializers.ValidationError({field: [missing]})
    return found


def _proposal_form(household: Household, data: dict):
    """The household page's form for the part proposed, bound to ``data``, and the part."""
    match data["part"]:
        case "origin":
            return forms.OriginChangeForm(data), ChangeRequest.Part.ORIGIN
        case "membership":
            member = _of_household(household, data, "member")
            return forms.MembershipEndForm(data, member=member), ChangeRequest.Part.MEMBERSHIP
        case "new_member":
            return forms.MemberAddForm(data), ChangeRequest.Part.MEMBERSHIP
    if data.get("document"):
        document = _of_household(household, data, "document")
        form = forms.DocumentForm(data, member=document.member, document=document)
    else:
        form = forms.DocumentForm(data, member=_of_household(household, data, "member"))
    return form, ChangeRequest.Part.DOCUMENTS


@acts_on_personal_data
class ChangeProposalApi(APIView):
    """Propose a change to a household, as its page's forms do; a second officer decides."""

    @extend_schema(request=ChangeProposal, responses={201: ChangeRequestOutput})
    def post(self, request: Request, household_id: int) -> Response:
        require(request.user, HOUSEHOLD_CHANGE)
        household = household_get_for_user(request.user, household_id)
        given = ChangeProposal(data=request.data)
        given.is_valid(raise_exception=True)
        data = _form_data(given.validated_data)
        form, part = _proposal_form(household, data)
        _valid(form)
        change = services.change_request_create(
            household=household,
            by=request.user,
            part=part,
            proposed=form.proposed(),
            reason=form.cleaned_data["reason"],
        )
        return Response(ChangeRequestOutput(change).data, status=status.HTTP_201_CREATED)


@personal_data(AccessLog.Action.API)
class HouseholdDetailApi(APIView):
    @extend_schema(responses=HouseholdDetailOutput)
    def get(self, request: Request, household_id: int) -> Response:
        household = household_get_for_user(request.user, household_id)
        access_shown(request, household.reference)
        return Response(HouseholdDetailOutput(household).data)


class FieldSubmissionReceived(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


@acts_on_personal_data
class FieldSubmissionPushApi(APIView):
    """Where KoboToolbox's REST Services push each submission, as JSON.

    Authenticated by the form's key (``Authorization: Bearer <key>``), not by a user: the
    submission waits in the review queue until an officer accepts it. Pushing the same
    submission again answers 200 with the one already held; a submission the file import
    would refuse is refused (400) with its errors.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=dict, responses={201: FieldSubmissionReceived})
    def post(self, request: Request) -> Response:
        scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
        form = field_form_for_token(key.strip()) if scheme.lower() == "bearer" else None
        if form is None:
            return Response(
                {"detail": "Give the form's key: Authorization: Bearer <key>."},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
        submission, created = field_submission_receive(form=form, payload=request.data)
        return Response(
            FieldSubmissionReceived({"id": submission.pk, "status": submission.status}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
