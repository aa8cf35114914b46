from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.places.models import Settlement
from homecoming.registry.models import (
    AccommodationKind,
    Household,
    IdentityDocument,
    Member,
    TemporaryAccommodation,
)
from homecoming.registry.services import DocumentInput, MemberInput, mixed_scripts


class DateInput(forms.DateInput):
    input_type = "date"


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class HouseholdForm(forms.Form):
    origin_settlement = forms.ModelChoiceField(
        label=_("Origin settlement"),
        queryset=Settlement.objects.select_related("district").order_by("district__name", "name"),
        to_field_name="code",
    )
    origin_address = forms.CharField(
        label=_("Address before displacement"), required=False, max_length=300
    )
    displaced_on = forms.DateField(
        label=_("Date of displacement"), required=False, widget=DateInput, validators=[_not_future]
    )
    accommodation = forms.ChoiceField(
        label=_("Temporary accommodation"), choices=AccommodationKind.choices
    )
    accommodation_place = forms.ModelChoiceField(
        label=_("Accommodation place"),
        required=False,
        queryset=TemporaryAccommodation.objects.order_by("name"),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)

    def __init__(self, *args, settlements=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if settlements is not None:
            self.fields["origin_settlement"].queryset = settlements


class MemberForm(forms.Form):
    # Empty first choices, so that an unused row of the formset posts nothing and is skipped.
    relation = forms.ChoiceField(label=_("Relation"), choices=[("", "—"), *Member.Relation.choices])
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Member.Sex.choices])
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput, validators=[_not_future]
    )
    birth_year_only = forms.BooleanField(label=_("Year only"), required=False)
    document_type = forms.ChoiceField(
        label=_("Document"), required=False, choices=[("", "—"), *IdentityDocument.Type.choices]
    )
    document_number = forms.CharField(label=_("Number"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        for name in ("given_name", "family_name", "patronymic"):
            if data.get(name) and mixed_scripts(data[name]):
                self.add_error(name, _("Latin and Cyrillic letters are mixed in one word."))
        if data.get("document_number") and not data.get("document_type"):
            self.add_error("document_type", _("Give the type of the document."))
        return data

    def member_input(self) -> MemberInput:
        data = self.cleaned_data
        documents = (
            (DocumentInput(data["document_type"], data["document_number"].upper()),)
            if data.get("document_number")
            else ()
        )
        return MemberInput(
            relation=data["relation"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            patronymic=data["patronymic"],
            sex=data["sex"],
            birth_date=data.get("birth_date"),
            birth_year_only=data.get("birth_year_only", False),
            documents=documents,
        )


# At most 20 members, and no more forms than that are ever built, whatever TOTAL_FORMS says.
# One empty row after the rows given; "Add a member" asks for one more.
MemberFormSet = formset_factory(MemberForm, extra=1, max_num=20, validate_max=True, absolute_max=20)


def member_rows(data: QueryDict, prefix: str = "members") -> list[dict[str, str]]:
    """The member rows posted, as initial values for the same rows with one more after
    them (the "Add a member" button works without JavaScript)."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MemberFormSet.absolute_max - 1)
    except ValueError:
        total = 0
    return [
        {name: data.get(f"{prefix}-{index}-{name}", "") for name in MemberForm.base_fields}
        for index in range(max(total, 0))
    ]


class NotSameFamilyForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this not the same family?"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept in the new household's history, where the reviewer of the pair reads it."
        ),
    )

    def __init__(self, *args, required: bool = False, **kwargs) -> None:
        """``required`` when a likely match the officer may see is shown."""
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class IntentionForm(forms.Form):
    intention = forms.ChoiceField(label=_("Return intention"), choices=Household.Intention.choices)
    reasons = forms.CharField(label=_("Reasons"), required=False, max_length=500)


class ConsentForm(forms.Form):
    given_on = forms.DateField(
        label=_("Consent given on"), widget=DateInput, validators=[_not_future]
    )
    document = forms.CharField(label=_("Signed form reference"), max_length=100)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=300)


class SettlementInDistrictField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Settlement) -> str:
        return f"{obj.display_name} ({obj.district.display_name})"


class OriginChangeForm(forms.Form):
    # Any settlement: a proposal is only a request, and a move to another district is
    # decided by an officer of that district (services.change_request_decide).
    origin_settlement = SettlementInDistrictField(
        label=_("Origin settlement"),
        queryset=Settlement.objects.select_related("district").order_by("district__name", "name"),
        to_field_name="code",
        help_text=_("A move to another district is decided by an officer of that district."),
    )
    origin_address = forms.CharField(
        label=_("Address before displacement"), required=False, max_length=300
    )
    displaced_on = forms.DateField(
        label=_("Date of displacement"), required=False, widget=DateInput, validators=[_not_future]
    )
    reason = forms.CharField(label=_("Why"), max_length=300)

    def proposed(self) -> dict:
        data = self.cleaned_data
        return {
            "origin_settlement": data["origin_settlement"].code,
            "origin_address": data["origin_address"],
            "displaced_on": data["displaced_on"].isoformat() if data["displaced_on"] else None,
        }


class MembershipEndForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    left_on = forms.DateField(label=_("Left on"), widget=DateInput, validators=[_not_future])
    left_reason = forms.ChoiceField(label=_("Why"), choices=Member.Left.choices)
    reason = forms.CharField(label=_("Note"), max_length=300)

    def __init__(self, *args, household: Household, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (m.pk, str(m)) for m in household.members.filter(left_on=None)
        ]

    def proposed(self) -> dict:
        data = self.cleaned_data
        return {
            "end": [
                {
                    "member": data["member"],
                    "left_on": data["left_on"].isoformat(),
                    "left_reason": data["left_reason"],
                }
            ]
        }


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", "approve"), ("0", "reject")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(required=False, max_length=300)


class DuplicateDecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[("keep_a", "keep a"), ("keep_b", "keep b"), ("not_duplicate", "not duplicate")]
    )
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidate = candidate

    def decision(self) -> dict:
        verdict = self.cleaned_data["verdict"]
        keep = {"keep_a": self.candidate.household_a, "keep_b": self.candidate.household_b}.get(
            verdict
        )
        return {"duplicate": keep is not None, "keep": keep, "note": self.cleaned_data["note"]}
