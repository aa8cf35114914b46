"""The programmes' pages: the list, a programme's page, and an administrator's forms to
make and change a programme, its status and its phases."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.accounts.access import PROGRAMME_MANAGE, PROGRAMME_VIEW, require
from homecoming.accounts.personal import no_personal_data
from homecoming.core.errors import ApplicationError
from homecoming.programmes import services
from homecoming.programmes.forms import PhaseForm, ProgrammeForm, StatusForm
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import (
    programme_areas,
    programme_get,
    programme_list,
    programme_targets,
)
from homecoming.programmes.services import NEXT_STATUS


def _programme(code: str) -> Programme:
    try:
        return programme_get(code)
    except Programme.DoesNotExist as exc:
        raise Http404("No such programme.") from exc


@no_personal_data
def programme_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, PROGRAMME_VIEW)
    return render(request, "programmes/programme_list.html", {"programmes": programme_list()})


@no_personal_data
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A programme: kind and status, its areas with their country, its phases, the targets
    the ledger records for it with their sources, the households it enrols and has seen
    return."""
    require(request.user, PROGRAMME_VIEW)
    programme = _programme(code)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "origins": programme_areas(programme, "origin_areas"),
            "destinations": programme_areas(programme, "destination_areas"),
            "phases": programme.phases.all(),
            "targets": programme_targets(programme),
            "next_status": NEXT_STATUS.get(programme.status),
        },
    )


@no_personal_data
def programme_create(request: HttpRequest) -> HttpResponse:
    require(request.user, PROGRAMME_MANAGE)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                by=request.user,
                fields=form.fields_written(),
                origin_areas=form.cleaned_data["origin_areas"],
                destination_areas=form.cleaned_data["destination_areas"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Programme “%(name)s” made; it is proposed.") % {"name": programme.display_name},
            )
            return redirect("programmes:programme_detail", code=programme.code)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@no_personal_data
def programme_edit(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, PROGRAMME_MANAGE)
    programme = _programme(code)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                programme=programme,
                by=request.user,
                fields=form.fields_written(),
                origin_areas=form.cleaned_data["origin_areas"],
                destination_areas=form.cleaned_data["destination_areas"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programmes:programme_detail", code=programme.code)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@no_personal_data
@require_POST
def programme_status(request: HttpRequest, code: str) -> HttpResponse:
    """Move the programme to its next status (proposed → active → closed)."""
    require(request.user, PROGRAMME_MANAGE)
    programme = _programme(code)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the programme's next status."))
    else:
        try:
            programme = services.programme_status_advance(
                programme=programme, by=request.user, to=form.cleaned_data["to"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The programme is now %(status)s.")
                % {"status": programme.get_status_display().lower()},
            )
    return redirect("programmes:programme_detail", code=programme.code)


@no_personal_data
def phase_form(request: HttpRequest, code: str, phase_id: int | None = None) -> HttpResponse:
    """Add a phase to a programme, or change one of its phases."""
    require(request.user, PROGRAMME_MANAGE)
    programme = _programme(code)
    phase = get_object_or_404(programme.phases, pk=phase_id) if phase_id else None
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if phase is None:
                services.phase_create(programme=programme, by=request.user, **data)
            else:
                services.phase_update(phase=phase, by=request.user, **data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Phase saved."))
            return redirect("programmes:programme_detail", code=programme.code)
    return render(
        request,
        "programmes/programme_phase_form.html",
        {"form": form, "programme": programme, "phase": phase},
    )
