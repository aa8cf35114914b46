"""The forms of a policy draft: its conditions, priority factors and steps as rows that can
be added and removed (formsets), each expression checked by the policy language on save
with the language's message beside its field, and the rest of the policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.core.widgets import DateInput
from homecoming.programmes import language
from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.policies import (
    KEY,
    MAX_ANSWER_DAYS,
    MAX_WEIGHT,
    SERVICE_LABELS,
    rooms_problems,
)


class RowForm(forms.Form):
    """One condition, factor or step: its key and its name in each language."""

    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=40,
        help_text=gettext_lazy("A short name in small Latin letters, such as large_family."),
    )
    label_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200)
    label_az = forms.CharField(
        label=gettext_lazy("Name in Azerbaijani"), max_length=200, required=False
    )
    label_ru = forms.CharField(
        label=gettext_lazy("Name in Russian"), max_length=200, required=False
    )

    expect: language.Expect | None = None

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not KEY.match(key):
            raise forms.ValidationError(
                _(
                    "A key is a short name in small Latin letters, digits and _, starting "
                    "with a letter, such as large_family."
                )
            )
        return key

    def clean_expression(self) -> str:
        expression = self.cleaned_data["expression"].strip()
        assert self.expect is not None
        try:
            language.check(expression, expect=self.expect)
        except language.PolicyError as exc:
            raise forms.ValidationError(_(exc.template) % exc.params) from None
        return expression

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        labels = {code: data[f"label_{code}"].strip() for code in ("en", "az", "ru")}
        return {"key": data["key"], "label": {k: v for k, v in labels.items() if v}}


class ConditionForm(RowForm):
    expression = forms.CharField(
        label=gettext_lazy("Condition"),
        max_length=language.MAX_LENGTH,
        widget=forms.Textarea({"rows": 2}),
        help_text=gettext_lazy(
            "Must hold for a household to be eligible, such as household.members >= 2."
        ),
    )
    expect = language.BOOL

    def row(self) -> dict[str, Any]:
        return super().row() | {"expression": self.cleaned_data["expression"]}


class FactorForm(RowForm):
    expression = forms.CharField(
        label=gettext_lazy("Value"),
        max_length=language.MAX_LENGTH,
        widget=forms.Textarea({"rows": 2}),
        help_text=gettext_lazy(
            "A number (a yes counts 1), such as members.under_18 or head.age >= 60."
        ),
    )
    weight = forms.IntegerField(label=gettext_lazy("Weight"), min_value=0, max_value=MAX_WEIGHT)
    expect = language.NUMBER

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return super().row() | {"expression": data["expression"], "weight": data["weight"]}


class StepForm(RowForm):
    """A step before return of a cross-border programme (it replaces land release)."""


class RowFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        keys = [f.cleaned_data["key"] for f in self.kept()]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise forms.ValidationError(
                _("Each key is used once: %(key)s is twice.") % {"key": ", ".join(twice)}
            )

    def kept(self) -> list[RowForm]:
        """The rows filled in and not marked for removal."""
        return [
            f
            for i, f in enumerate(self.forms)
            if (i < self.initial_form_count() or f.has_changed())
            and not self._should_delete_form(f)
        ]

    def rows(self) -> list[dict[str, Any]]:
        return [f.row() for f in self.kept()]


def _formset(form: type[RowForm]) -> type[RowFormSet]:
    return forms.formset_factory(form, formset=RowFormSet, extra=1, can_delete=True, max_num=50)


ConditionFormSet = _formset(ConditionForm)
FactorFormSet = _formset(FactorForm)
StepFormSet = _formset(StepForm)


def _initial(rows: list[dict]) -> list[dict]:
    return [
        {
            "key": r["key"],
            **{f"label_{c}": (r.get("label") or {}).get(c, "") for c in ["en", "az", "ru"]},
        }
        | {k: r[k] for k in ("expression", "weight") if k in r}
        for r in rows
    ]


class PolicyForm(forms.Form):
    required_services = forms.MultipleChoiceField(
        label=gettext_lazy("Services a settlement must have"),
        choices=list(SERVICE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    offer_answer_days = forms.IntegerField(
        label=gettext_lazy("Days a household has to answer an offer"),
        min_value=1,
        max_value=MAX_ANSWER_DAYS,
    )
    rooms = forms.CharField(
        label=gettext_lazy("Rooms by household size"),
        widget=forms.Textarea({"rows": 8}),
        help_text=gettext_lazy(
            "One line for each household size from 1: the size, the fewest and the most "
            "rooms, such as 4 2 3. The last line holds for larger households."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("What this version changes, and why"),
        widget=forms.Textarea({"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean_rooms(self) -> list[list[int]]:
        rows = []
        for line in self.cleaned_data["rooms"].splitlines():
            if not line.strip():
                continue
            try:
                rows.append([int(n) for n in line.replace(",", " ").split()])
            except ValueError:
                raise forms.ValidationError(
                    _("Write each line as three whole numbers, such as 4 2 3.")
                ) from None
        problems = rooms_problems(rows)
        if problems:
            raise forms.ValidationError(problems[0].message)
        return rows


class PolicyDraft:
    """The whole draft form: the policy's fields and its three lists of rows."""

    def __init__(self, version: PolicyVersion, data: Any = None) -> None:
        self.version = version
        self.cross_border = version.programme.kind == "repatriation"
        self.form = PolicyForm(
            data,
            initial={
                "required_services": version.required_services,
                "offer_answer_days": version.offer_answer_days,
                "rooms": "\n".join(" ".join(str(n) for n in row) for row in version.rooms),
                "note": version.note,
            },
        )
        self.conditions = ConditionFormSet(
            data, prefix="conditions", initial=_initial(version.conditions)
        )
        self.factors = FactorFormSet(
            data, prefix="factors", initial=_initial(version.priority_factors)
        )
        self.steps = StepFormSet(data, prefix="steps", initial=_initial(version.steps))

    @property
    def parts(self) -> list[Any]:
        return [self.form, self.conditions, self.factors] + (
            [self.steps] if self.cross_border else []
        )

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts])

    def changes(self) -> dict[str, Any]:
        """What :func:`homecoming.programmes.policies.policy_change` takes."""
        data = self.form.cleaned_data
        return {
            "conditions": self.conditions.rows(),
            "priority_factors": self.factors.rows(),
            "required_services": data["required_services"],
            "offer_answer_days": data["offer_answer_days"],
            "rooms": data["rooms"],
            "steps": self.steps.rows() if self.cross_border else None,
            "note": data["note"],
        }

    def errors(self) -> list[tuple[str, str]]:
        """Every error, as (the anchor of its field, the message with the field's name),
        for the error summary at the top of the page."""
        found = []
        for field in self.form:
            found += [(field.id_for_label, f"{field.label}: {e}") for e in field.errors]
        for title, formset in (
            (_("Condition"), self.conditions),
            (_("Priority factor"), self.factors),
            (_("Step"), self.steps),
        ):
            if formset not in self.parts:
                continue
            found += [(f"{formset.prefix}", str(e)) for e in formset.non_form_errors()]
            for i, form in enumerate(formset.forms, start=1):
                for field in form:
                    found += [
                        (field.id_for_label, f"{title} {i}, {field.label}: {e}")
                        for e in field.errors
                    ]
        return found


class ApproveForm(forms.Form):
    in_force_from = forms.DateField(label=gettext_lazy("In force from"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["in_force_from"].initial = timezone.localdate()


class DraftForm(forms.Form):
    """Which version a new draft copies."""

    based_on = forms.ModelChoiceField(
        label=gettext_lazy("Copy of"),
        queryset=PolicyVersion.objects.none(),
        to_field_name="number",
        required=False,
        empty_label=gettext_lazy("the version in force"),
    )

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["based_on"]
        field.queryset = programme.policy_versions.order_by("-number")
        field.label_from_instance = lambda v: (
            _("version %(number)d (%(status)s)")
            % {
                "number": v.number,
                "status": v.get_status_display(),
            }
        )
