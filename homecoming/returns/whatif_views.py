"""The comparison page: two policy versions side by side on the registry, and its export.

The comparison is computed while the page is asked for, within the districts chosen (by
default the user's own, or every district for a user of national scope): at national scale
it takes a few seconds (docs/policies.md, "Comparing two versions: what-if and fairness").
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.accounts.access import HOUSEHOLD_EXPORT, POLICY_MANAGE, district_scope, require
from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import personal_data
from homecoming.core.export import csv_response
from homecoming.core.formats import short_date
from homecoming.places.selectors import districts_with_settlements
from homecoming.programmes.models import PolicyVersion
from homecoming.returns.models import AllocationRun
from homecoming.returns.whatif import (
    PolicyComparison,
    change_rows,
    export_tables,
    fairness_columns,
    fairness_sections,
    policy_comparison,
    versions_by_default,
    versions_for,
    workbook,
)

CHANGES_PER_PAGE = 50


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label=gettext_lazy("Version A"), queryset=PolicyVersion.objects)
    b = forms.ModelChoiceField(label=gettext_lazy("Version B"), queryset=PolicyVersion.objects)
    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Districts"), queryset=districts_with_settlements(), to_field_name="code"
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Where a household may be housed"),
        choices=AllocationRun.Scope.choices,
        initial=AllocationRun.Scope.DISTRICT,
    )

    def __init__(self, data: dict, *, user) -> None:
        super().__init__(data)
        versions = versions_for(user)
        self.fields["a"].queryset = self.fields["b"].queryset = versions
        self.fields["a"].label_from_instance = self.fields["b"].label_from_instance = version_name
        scope = district_scope(user)
        if scope is not None:
            self.fields["districts"].queryset = districts_with_settlements().filter(pk__in=scope)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("a") and data.get("b") and data["a"].programme_id != data["b"].programme_id:
            raise forms.ValidationError(_("Compare two versions of the same programme's policy."))
        return data


def version_name(version: PolicyVersion) -> str:
    """A version in words: its programme, its number, and whether it is a draft or since
    when it is in force."""
    if version.status == PolicyVersion.Status.DRAFT:
        state = _("draft")
    else:
        state = _("in force from %(date)s") % {"date": short_date(version.in_force_from)}
    return _("%(programme)s, version %(number)d (%(state)s)") % {
        "programme": version.programme.display_name,
        "number": version.number,
        "state": state,
    }


def _compared(request: HttpRequest) -> tuple[CompareForm, PolicyComparison | None]:
    """The form as asked (with its defaults: a programme's version in force as A, its
    newest draft as B, the user's districts) and the comparison it asks for. A user of
    national scope chooses the districts: the whole registry takes half a minute to read
    (docs/policies.md), so it is compared only when asked for."""
    require(request.user, POLICY_MANAGE)
    data = request.GET.copy()
    data.pop("page", None)
    if not data.get("a") or not data.get("b"):
        default = versions_by_default(request.user)
        if default is not None:
            data.setdefault("a", str(default[0].pk))
            data.setdefault("b", str(default[1].pk))
    scope = district_scope(request.user)
    if not data.getlist("districts") and scope is not None:
        data.setlist(
            "districts",
            list(districts_with_settlements().filter(pk__in=scope).values_list("code", flat=True)),
        )
    data.setdefault("scope", AllocationRun.Scope.DISTRICT)
    form = CompareForm(data, user=request.user)
    if not data.getlist("districts") or not form.is_valid():
        return form, None
    return form, policy_comparison(
        a=form.cleaned_data["a"],
        b=form.cleaned_data["b"],
        districts=list(form.cleaned_data["districts"]),
        scope=form.cleaned_data["scope"],
    )


@personal_data(AccessLog.Action.VIEW)
def policy_compare(request: HttpRequest) -> HttpResponse:
    """Two versions side by side: the summary, who changes and why (paged), rank
    movements, and the fairness by group with its charts."""
    form, compared = _compared(request)
    context: dict = {
        "form": form,
        "compared": compared,
        "choose_districts": not form.data.getlist("districts"),
    }
    if compared is not None:
        page = Paginator(compared.comparison.changes, CHANGES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context |= {
            "a_name": version_name(compared.a),
            "b_name": version_name(compared.b),
            "page": page,
            "rows": change_rows(compared, list(page)),
            "rank_tables": [
                (
                    _("The largest moves up"),
                    change_rows(compared, compared.comparison.largest_up),
                    "largest-up",
                ),
                (
                    _("The largest moves down"),
                    change_rows(compared, compared.comparison.largest_down),
                    "largest-down",
                ),
            ],
            "fairness": fairness_sections(compared.comparison),
            "fairness_columns": fairness_columns(),
            "query": form.data.urlencode(),
        }
    return render(request, "returns/policy_compare.html", context)


@personal_data(AccessLog.Action.EXPORT)
def policy_compare_export(request: HttpRequest, table: str, extension: str) -> HttpResponse:
    """The comparison's households that change (``changes``) or its fairness tables
    (``fairness``) as CSV, or both as a workbook (``comparison.xlsx``)."""
    require(request.user, HOUSEHOLD_EXPORT)
    if (table, extension) not in {("changes", "csv"), ("fairness", "csv"), ("comparison", "xlsx")}:
        raise Http404("No such export.")
    _form, compared = _compared(request)
    if compared is None:
        raise Http404("The comparison asked for is not valid.")
    name = f"policy-{compared.a.number}-{compared.b.number}-{table}.{extension}"
    if extension == "csv":
        return csv_response(name, *export_tables(compared)[table])
    response = HttpResponse(
        workbook(compared),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
