"""Imports from the browser: upload, the check's result, confirm, progress, history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from homecoming.accounts.models import AccessLog
from homecoming.accounts.personal import (
    access_shown,
    acts_on_personal_data,
    no_personal_data,
    personal_data,
)
from homecoming.core.errors import ApplicationError
from homecoming.site import services
from homecoming.site.forms import ImportUploadForm
from homecoming.site.imports import DISTRICT_KINDS, import_kinds_for
from homecoming.site.selectors import (
    import_run_get_for_user,
    import_run_list_for_user,
    import_runs_failed,
)

# The errors of a check, shown a page at a time (the annotated file holds them all).
ERRORS_PER_PAGE = 100


@no_personal_data
def import_list(request: HttpRequest) -> HttpResponse:
    """The import history: every file uploaded, who checked and imported it, and the result."""
    runs = import_run_list_for_user(request.user)
    # "?status=failed": the imports the worklist counts (site/worklist.py).
    failed = request.GET.get("status") == "failed"
    if failed:
        runs = import_runs_failed(runs)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "site/import_list.html", {"page": page, "failed": failed})


@acts_on_personal_data
def import_upload(request: HttpRequest) -> HttpResponse:
    if not import_kinds_for(request.user):
        raise PermissionDenied("Your role imports no files.")
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        run = services.import_run_upload(
            user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
        return redirect("import_detail", run_id=run.pk)
    return render(request, "site/import_upload.html", {"form": form})


@personal_data(AccessLog.Action.VIEW)
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """A file's check (its errors, what it would create and change), the button that
    imports it, its progress, and its result."""
    run = import_run_get_for_user(request.user, run_id)
    # The rows of a household file name people; other files do not.
    access_shown(request, f"import {run.file_name}" if run.kind in DISTRICT_KINDS else None)
    errors = (run.report or run.check_report or {}).get("errors", [])
    return render(
        request,
        "site/import_detail.html",
        {
            "run": run,
            "check": run.check_report,
            "page": Paginator(errors, ERRORS_PER_PAGE).get_page(request.GET.get("page")),
            "errors_count": len(errors),
        },
    )


@no_personal_data
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress bar, polled by the page while the worker works; once it is done the
    page reloads to show the result."""
    run = import_run_get_for_user(request.user, run_id)
    if not run.waiting:
        return HttpResponseClientRefresh()
    return render(request, "site/_import_progress.html", {"run": run})


@require_POST
@acts_on_personal_data
def import_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    run = import_run_get_for_user(request.user, run_id)
    try:
        services.import_run_confirm(user=request.user, run=run)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("import_detail", run_id=run.pk)


@personal_data(AccessLog.Action.EXPORT)
def import_annotated(request: HttpRequest, run_id: int) -> FileResponse:
    """The uploaded rows with an ``errors`` column, to correct in a spreadsheet."""
    run = import_run_get_for_user(request.user, run_id)
    if not run.annotated:
        raise Http404(_("This check found no row to correct."))
    access_shown(request, f"import {run.file_name}" if run.kind in DISTRICT_KINDS else None)
    return FileResponse(
        run.annotated.open("rb"),
        as_attachment=True,
        filename=run.annotated.name.rsplit("/", 1)[-1],
        content_type="text/csv; charset=utf-8",
    )
