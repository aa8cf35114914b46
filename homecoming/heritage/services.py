"""Writes to the heritage record."""

from __future__ import annotations

import datetime as dt
import uuid
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from homecoming.accounts.access import FIGURES_EDIT, require
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.heritage.models import Condition, Inspection, Monument, Photo

# Larger images are refused before they are decoded (a small file can expand enormously).
PHOTO_MAX_PIXELS = 40_000_000
_EXTENSIONS = {Photo.Format.JPEG: "jpg", Photo.Format.PNG: "png", Photo.Format.WEBP: "webp"}


def inspection_record(
    *,
    monument: Monument,
    date: dt.date,
    condition: str,
    note: str = "",
    photo: str = "",
    source: str = "",
) -> Inspection:
    """Add an inspection; the monument's condition is the latest one's."""
    if condition not in Condition.values or condition == Condition.UNKNOWN:
        raise ApplicationError(f"Unknown condition {condition!r}.")
    if date > timezone.localdate():
        raise ApplicationError("An inspection cannot be dated in the future.")
    inspection = Inspection(
        monument=monument, date=date, condition=condition, note=note, photo=photo, source=source
    )
    inspection.full_clean()
    inspection.save()
    return inspection


def _checked_image(upload: UploadedFile) -> Image.Image:
    """The upload decoded as an image of an accepted format, or an ApplicationError."""
    limit = settings.HERITAGE_PHOTO_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ApplicationError(f"A photo may be at most {limit // (1024 * 1024)} MB.")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(f"A photo may be at most {limit // (1024 * 1024)} MB.")
    refused = ApplicationError("The file is not a JPEG, PNG or WebP image.")
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in _EXTENSIONS:
                raise refused
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ApplicationError("The photo has too many pixels (at most 40 million).")
            probe.verify()  # the file's structure, before any decoding
        image = Image.open(BytesIO(data))
        image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise refused from exc
    return image


def photo_add(
    *,
    monument: Monument,
    upload: UploadedFile,
    caption: str,
    credit: str,
    by: User,
    taken_on: dt.date | None = None,
    inspection: Inspection | None = None,
) -> Photo:
    """Keep a photo of a monument: checked to be a real image of an accepted type and size,
    turned upright, and stored re-encoded — without its metadata (camera position, owner)
    or anything appended to the file — under a name the system chooses."""
    require(by, FIGURES_EDIT)
    if taken_on and taken_on > timezone.localdate():
        raise ApplicationError("A photo cannot be dated in the future.")
    if inspection and inspection.monument_id != monument.pk:
        raise ApplicationError("The inspection is of another monument.")
    image = _checked_image(upload)
    fmt = image.format
    upright = ImageOps.exif_transpose(image)
    out = BytesIO()
    if fmt == Photo.Format.PNG:
        upright.save(out, "PNG", optimize=True)
    else:
        rgb = upright.convert("RGB") if fmt == Photo.Format.JPEG else upright
        rgb.save(out, fmt, quality=90)
    photo = Photo(
        monument=monument,
        inspection=inspection,
        format=fmt,
        width=upright.width,
        height=upright.height,
        caption=caption.strip(),
        credit=credit.strip(),
        taken_on=taken_on,
        uploaded_by=by,
    )
    photo.full_clean(exclude=["image"])  # before the file is written
    photo.image.save(
        f"{uuid.uuid4().hex}.{_EXTENSIONS[fmt]}", ContentFile(out.getvalue()), save=False
    )
    photo.save()
    return photo
