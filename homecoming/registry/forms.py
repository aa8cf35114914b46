from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.core.widgets import DateInput
from homecoming.places.models import Settlement
from homecoming.programmes.models import Programme
from homecoming.registry.models import (
    AccommodationKind,
    Household,
    IdentityDocument,
    Member,
    TemporaryAccommodation,
)
from homecoming.registry.services import (
    DOCUMENT_FIELDS,
    DocumentInput,
    MemberInput,
    mixed_scripts,
)


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class WhereNowForm(forms.Form):
    """Where a household lives now, and its phone: asked at registration, changed at once."""

    accommodation = forms.ChoiceField(
        label=_("Temporary accommodation"), choices=AccommodationKind.choices
    )
    accommodation_place = forms.ModelChoiceField(
        label=_("Accommodation place"),
        required=False,
        queryset=TemporaryAccommodation.objects.select_related("settlement").order_by("name"),
        help_text=_("For a hostel, sanatorium, administrative building or dormitory."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return obj.display_name


def _programme_field(form: forms.Form, programmes, default: Programme | None) -> None:
    """The programmes the user may enrol a household in; the one there is, or ``default``,
    chosen at first."""
    field = form.fields["programme"]
    field.queryset = programmes
    chosen = list(programmes[:2])
    if len(chosen) == 1:
        field.initial = chosen[0].code
    elif default is not None and field.initial is None:
        field.initial = default.code


def programme_field() -> ProgrammeChoiceField:
    return ProgrammeChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="code",
        empty_label=None,
        # Left out (a form of before programmes): the default programme, or as it is.
        required=False,
        help_text=_("The programme the household is enrolled in; its policy judges it."),
    )


class HouseholdForm(WhereNowForm):
    field_order = ["programme", "origin_settlement", "origin_address", "displaced_on"]

    programme = programme_field()

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

    def __init__(
        self, *args, settlements=None, programmes=None, default_programme=None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if settlements is not None:
            self.fields["origin_settlement"].queryset = settlements
        _programme_field(
            self,
            Programme.objects.exclude(status=Programme.Status.CLOSED)
            if programmes is None
            else programmes,
            default_programme,
        )


class PersonForm(forms.Form):
    """A person's names, sex and birth, as every member form asks them."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Member.Sex.choices)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput, validators=[_not_future]
    )

    def clean(self) -> dict:
        data = super().clean()
        for name in ("given_name", "family_name", "patronymic"):
            if data.get(name) and mixed_scripts(data[name]):
                self.add_error(name, _("Latin and Cyrillic letters are mixed in one word."))
        return data


class MemberForm(PersonForm):
    field_order = ["relation"]

    # Empty first choices, so that an unused row of the formset posts nothing and is skipped.
    relation = forms.ChoiceField(label=_("Relation"), choices=[("", "—"), *Member.Relation.choices])
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Member.Sex.choices])
    birth_year_only = forms.BooleanField(label=_("Year only"), required=False)
    document_type = forms.ChoiceField(
        label=_("Document"), required=False, choices=[("", "—"), *IdentityDocument.Type.choices]
    )
    document_number = forms.CharField(label=_("Number"), required=False, max_length=40)

    def clean(self) -> dict:
        data = super().clean()
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


class SettlementInDistrictField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Settlement) -> str:
        return f"{obj.display_name} ({obj.district.display_name})"


class HouseholdEditForm(WhereNowForm):
    """The household's phone, where it lives now and its programme: changed at once."""

    field_order = ["phone"]

    programme = programme_field()

    def __init__(self, *args, household: Household, programmes=None, **kwargs) -> None:
        initial = {name: getattr(household, name) for name in self.base_fields}
        initial["programme"] = household.programme.code
        super().__init__(*args, initial=initial, **kwargs)
        if programmes is not None:
            # The household's own programme stays a choice, even closed or not the user's.
            programmes = programmes | Programme.objects.filter(pk=household.programme_id)
        _programme_field(
            self,
            Programme.objects.all() if programmes is None else programmes,
            household.programme,
        )

    def changes(self) -> dict:
        changes = {**self.cleaned_data, "phone": self.cleaned_data["phone"].strip()}
        if changes["programme"] is None:
            del changes["programme"]
        return changes


class MemberEditForm(PersonForm):
    """A member's details: corrected at once; membership and documents are proposed."""

    birth_year_only = forms.BooleanField(label=_("Only the year is known"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        required=False,
        choices=Member.Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, member: Member, **kwargs) -> None:
        initial = {name: getattr(member, name) for name in self.base_fields}
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self) -> dict:
        return dict(self.cleaned_data)


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

    def __init__(self, *args, household: Household | None = None, **kwargs) -> None:
        if household is not None:
            kwargs["initial"] = {
                "origin_settlement": household.origin_settlement.code,
                "origin_address": household.origin_address,
                "displaced_on": household.displaced_on,
            }
        super().__init__(*args, **kwargs)

    def proposed(self) -> dict:
        """Every field as posted: the service keeps only what differs from the record, and
        a field left blank proposes no change."""
        data = self.cleaned_data
        return {
            "origin_settlement": data["origin_settlement"].code,
            "origin_address": data["origin_address"],
            "displaced_on": data["displaced_on"].isoformat() if data["displaced_on"] else None,
        }


class MemberAddForm(PersonForm):
    """A new member, proposed: a birth, a marriage, someone who joined the household."""

    field_order = ["relation"]

    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Member.Relation.choices)
    joined_reason = forms.ChoiceField(
        label=_("Joined because of"),
        choices=[c for c in Member.Joined.choices if c[0] != Member.Joined.REGISTRATION],
    )
    joined_on = forms.DateField(
        label=_("Member since"),
        required=False,
        widget=DateInput,
        validators=[_not_future],
        help_text=_("Left blank: the date of birth for a birth, otherwise the day of approval."),
    )
    reason = forms.CharField(label=_("Note for the second officer"), max_length=300)

    def proposed(self) -> dict:
        data = self.cleaned_data
        joined_on = data["joined_on"] or (
            data["birth_date"] if data["joined_reason"] == Member.Joined.BIRTH else None
        )
        member = {
            name: data[name]
            for name in ("relation", "given_name", "family_name", "patronymic", "sex")
        }
        member |= {
            "birth_date": data["birth_date"].isoformat() if data["birth_date"] else None,
            "joined_reason": data["joined_reason"],
            "joined_on": joined_on.isoformat() if joined_on else None,
        }
        return {"add": [member]}


class MembershipEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput, validators=[_not_future])
    left_reason = forms.ChoiceField(label=_("Left because of"), choices=Member.Left.choices)
    reason = forms.CharField(label=_("Note for the second officer"), max_length=300)

    def __init__(self, *args, member: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def proposed(self) -> dict:
        data = self.cleaned_data
        return {
            "end": [
                {
                    "member": self.member.pk,
                    "left_on": data["left_on"].isoformat(),
                    "left_reason": data["left_reason"],
                }
            ]
        }


class DocumentForm(forms.Form):
    """A document added to a member, or one of theirs changed or ended: proposed."""

    type = forms.ChoiceField(label=_("Type of document"), choices=IdentityDocument.Type.choices)
    number = forms.CharField(label=_("Number"), max_length=40)
    issuer = forms.CharField(label=_("Issued by"), required=False, max_length=200)
    expiry = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)
    ended = forms.BooleanField(
        label=_("No longer held (lost, replaced, or not the member's)"), required=False
    )
    reason = forms.CharField(label=_("Note for the second officer"), max_length=300)

    def __init__(
        self, *args, member: Member, document: IdentityDocument | None = None, **kwargs
    ) -> None:
        if document is not None:
            kwargs["initial"] = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
        super().__init__(*args, **kwargs)
        self.member, self.document = member, document
        if document is None:
            del self.fields["ended"]

    def proposed(self) -> dict:
        data = self.cleaned_data
        fields = {
            "type": data["type"],
            "number": data["number"],
            "issuer": data["issuer"],
            "expiry": data["expiry"].isoformat() if data["expiry"] else None,
        }
        if self.document is None:
            return {"add": [{"member": self.member.pk, **fields}]}
        if data.get("ended"):
            return {"remove": [self.document.pk]}
        return {"change": [{"document": self.document.pk, **fields}]}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=300)


class ReinstateForm(forms.Form):
    reason = forms.CharField(label=_("Why the household is reinstated"), max_length=300)


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


class FieldSubmissionDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("1", "accept"), ("0", "refuse")], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Reason for refusing"), required=False, max_length=300)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("accept") is False and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for refusing the submission."))
        return data


class HouseholdFilterForm(forms.Form):
    """The household list's filters and sort; an invalid choice is ignored, not an error."""

    SORTS = [
        ("reference", _("Reference")),
        ("-size", _("Size, largest first")),
        ("size", _("Size, smallest first")),
        ("-registered", _("Registered, newest first")),
        ("registered", _("Registered, oldest first")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    settlement = forms.CharField(label=_("Origin"), required=False, max_length=100)
    accommodation = forms.ChoiceField(
        label=_("Accommodation"),
        required=False,
        choices=[("", _("Any accommodation")), *AccommodationKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Household.Status.choices],
    )
    intention = forms.ChoiceField(
        label=_("Return intention"),
        required=False,
        choices=[("", _("Any intention")), *Household.Intention.choices],
    )
    eligible = forms.ChoiceField(
        label=_("Eligibility"),
        required=False,
        choices=[("", _("Eligible or not")), ("yes", _("Eligible now")), ("no", _("Not eligible"))],
    )
    # Narrowed by returns (site/views.py), as the worklist counts them (site/worklist.py).
    follow_up = forms.ChoiceField(
        label=_("Follow-up visit"),
        required=False,
        choices=[("", _("Due or not")), ("due", _("Due"))],
    )
    # The programmes the user sees, by code (``__init__``); shown when there are several.
    programme = forms.ChoiceField(label=_("Programme"), required=False, choices=[])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, programmes: Sequence[Programme] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programmes = {p.code: p for p in programmes}
        self.fields["programme"].choices = [
            ("", _("Any programme")),
            *((p.code, p.display_name) for p in programmes),
        ]

    def chosen_programme(self) -> Programme | None:
        """The programme the list is narrowed to, or None for all the user sees."""
        code = self.cleaned_data.get("programme") if self.is_valid() else ""
        return self.programmes.get(code or "")

    def filters(self) -> dict[str, str]:
        """The search and filters for ``selectors.household_search``."""
        data = self.cleaned_data if self.is_valid() else {}
        names = ["q", "settlement", "status", "intention", "accommodation"]
        return {name: data.get(name, "") for name in names}

    def chosen_eligibility(self) -> bool | None:
        """True or False when the list is narrowed by eligibility, else None."""
        choice = self.cleaned_data.get("eligible") if self.is_valid() else ""
        return {"yes": True, "no": False}.get(choice or "")

    def chosen_follow_up_due(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("follow_up") == "due"

    def chosen_sort(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "reference"


class FieldFormForm(forms.Form):
    name = forms.CharField(
        label=_("Form's name"),
        max_length=100,
        help_text=_(
            "As the project is called in KoboToolbox, e.g. “Household registration, Fuzuli”."
        ),
    )
