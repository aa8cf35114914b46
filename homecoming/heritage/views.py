from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from homecoming.accounts.access import FIGURES_EDIT, require, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.core.errors import ApplicationError
from homecoming.core.forms import errors_in_words
from homecoming.heritage import services
from homecoming.heritage.forms import PhotoForm
from homecoming.heritage.models import Monument, Photo
from homecoming.heritage.selectors import monument_list


@no_personal_data
def monuments(request: HttpRequest) -> HttpResponse:
    return render(request, "heritage/monument_list.html", {"monuments": monument_list()})


def _monument(registry_number: str) -> Monument:
    try:
        return monument_list().get(registry_number=registry_number)
    except Monument.DoesNotExist as exc:
        raise Http404("No such monument.") from exc


@no_personal_data
def monument_detail(request: HttpRequest, registry_number: str) -> HttpResponse:
    monument = _monument(registry_number)
    return render(
        request,
        "heritage/monument_detail.html",
        {
            "monument": monument,
            "inspections": monument.inspections.order_by("-date", "-id"),
            "photos": monument.photos.all(),
            "photo_form": PhotoForm() if user_can(request.user, FIGURES_EDIT) else None,
        },
    )


@no_personal_data
@require_POST
def photo_add(request: HttpRequest, registry_number: str) -> HttpResponse:
    require(request.user, FIGURES_EDIT)
    monument = _monument(registry_number)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in errors_in_words(form):
            messages.error(request, error)
    else:
        try:
            services.photo_add(
                monument=monument,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
                credit=form.cleaned_data["credit"],
                taken_on=form.cleaned_data["taken_on"],
                by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect("heritage:monument_detail", registry_number=monument.registry_number)


@no_personal_data
def photo_file(request: HttpRequest, photo_id: int) -> FileResponse:
    """A photo's file, to signed-in users only: media files are not a public directory."""
    photo = get_object_or_404(Photo, pk=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type=f"image/{photo.format.lower()}")
    response["Cache-Control"] = "private, max-age=3600"
    return response
