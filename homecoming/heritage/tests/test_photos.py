"""Monument photos: only real images of accepted types and sizes, stored clean, shown to
signed-in users."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from homecoming.accounts.models import Role
from homecoming.core.errors import ApplicationError
from homecoming.heritage.models import Monument, Photo
from homecoming.heritage.services import photo_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def monument(places):
    return Monument.objects.create(
        registry_number="H-1", name="Khudavang monastery", type="religious", settlement=places.zar
    )


@pytest.fixture
def editor(make_user):
    return make_user("editor", Role.MONITORING_EDITOR)


def image_bytes(fmt: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    out = BytesIO()
    extra = {"exif": exif} if exif else {}
    Image.new("RGB", size, (120, 80, 40)).save(out, fmt, **extra)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_photo_is_kept_re_encoded_without_its_metadata(monument, editor, media):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    data = image_bytes(exif=exif.tobytes()) + b"<?php echo 'appended'; ?>"
    photo = photo_add(
        monument=monument,
        upload=upload(data, "../../etc/passwd.jpg"),
        caption="West facade",
        credit="Inspector A",
        by=editor,
        taken_on=dt.date(2025, 6, 1),
    )
    assert (photo.format, photo.width, photo.height) == ("JPEG", 40, 30)
    stored = (media / photo.image.name).read_bytes()
    assert photo.image.name.startswith("heritage/photos/")
    assert "passwd" not in photo.image.name
    assert b"appended" not in stored
    assert not Image.open(BytesIO(stored)).getexif()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 50, "not a JPEG, PNG or WebP image"),
        (b"<html><script>alert(1)</script></html>", "not a JPEG, PNG or WebP image"),
        (image_bytes("GIF"), "not a JPEG, PNG or WebP image"),
        (image_bytes("PNG")[:60], "not a JPEG, PNG or WebP image"),  # truncated
    ],
)
def test_what_is_not_an_accepted_image_is_refused(monument, editor, data, message):
    with pytest.raises(ApplicationError, match=message):
        photo_add(monument=monument, upload=upload(data), caption="x", credit="y", by=editor)
    assert not Photo.objects.exists()


def test_a_photo_too_large_or_with_too_many_pixels_is_refused(monument, editor, settings):
    with pytest.raises(ApplicationError, match="too many pixels"):
        photo_add(
            monument=monument,
            upload=upload(image_bytes("PNG", size=(8000, 6000)), "big.png"),
            caption="x",
            credit="y",
            by=editor,
        )
    settings.HERITAGE_PHOTO_MAX_BYTES = 100
    with pytest.raises(ApplicationError, match="at most 0 MB"):
        photo_add(
            monument=monument, upload=upload(image_bytes()), caption="x", credit="y", by=editor
        )


def test_only_an_editor_adds_photos_and_only_signed_in_users_see_them(
    monument, editor, viewer, client_for
):
    form = {"caption": "Dome", "credit": "Inspector B", "taken_on": "2025-06-01"}
    denied = client_for(viewer).post(
        "/heritage/H-1/photos/", form | {"photo": upload(image_bytes())}
    )
    assert denied.status_code == 403
    client_for(editor).post(
        "/heritage/H-1/photos/", form | {"photo": upload(image_bytes("PNG"), "a.png")}
    )
    photo = Photo.objects.get()
    page = client_for(viewer).get("/heritage/H-1/").content.decode()
    assert f'src="/heritage/photos/{photo.pk}/"' in page
    assert "Inspector B" in page
    served = client_for(viewer).get(f"/heritage/photos/{photo.pk}/")
    assert served["Content-Type"] == "image/png"
    assert Image.open(BytesIO(b"".join(served.streaming_content))).size == (40, 30)
    assert Client().get(f"/heritage/photos/{photo.pk}/").status_code == 302  # to sign in
