"""Every check of an uploaded screenshot (media_tools/thumbnails.py `check_image`, media_tools/
screenshots.py), each at its boundary with an image made for it: the pixel limit (a header-only
PNG of exactly 4096 x 4096 passes it and only then fails to decode), Pillow's own bomb limits, the
minimum size one pixel either way, the formats, damaged data, the byte limit, the title and the
rate limit. Refused through the screenshot API with the exact message, nothing stored; the
nearest honest image is accepted.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from media_tools.errors import InvalidImage
from media_tools.thumbnails import check_image
from packages.models import Screenshot
from tests.contentdb_writes.support import media_files, pixel_bomb_png, png_bytes

pytestmark = pytest.mark.django_db

NEW = "/api/packages/alice/farming/screenshots/new/"
TOO_MANY = "The image has too many pixels (at most 16,777,216 are accepted)"
DAMAGED = "The image is damaged or truncated"
NOT_AN_IMAGE = "Uploaded image isn't actually an image"


def image_bytes(fmt: str, width: int = 920, height: int = 517) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(buffer, fmt)
    return buffer.getvalue()


def damaged_png() -> bytes:
    data = bytearray(png_bytes())
    start = data.index(b"IDAT") + 8
    data[start : start + 16] = bytes(16)  # zlib stream spoiled; the chunk CRC no longer matches
    return bytes(data)


REFUSED = {
    "4097 x 4096 pixels": (pixel_bomb_png(4097, 4096), TOO_MANY),
    "4096 x 4097 pixels": (pixel_bomb_png(4096, 4097), TOO_MANY),
    "over Pillow's warning limit": (pixel_bomb_png(10_000, 10_000), TOO_MANY),
    "over Pillow's error limit": (pixel_bomb_png(20_000, 20_000), TOO_MANY),
    "exactly 4096 x 4096, no pixel data": (pixel_bomb_png(4096, 4096), DAMAGED),
    "919 wide": (
        png_bytes(919, 517),
        "Screenshot is too small (919x517), it should be at least 920 by 517 pixels",
    ),
    "516 high": (
        png_bytes(920, 516),
        "Screenshot is too small (920x516), it should be at least 920 by 517 pixels",
    ),
    "damaged pixel data": (damaged_png(), DAMAGED),
    "truncated JPEG": (image_bytes("JPEG")[:-2000], DAMAGED),
    "BMP": (image_bytes("BMP"), NOT_AN_IMAGE),
    "TIFF": (image_bytes("TIFF"), NOT_AN_IMAGE),
    "GIF": (image_bytes("GIF"), NOT_AN_IMAGE),
    "empty": (b"", NOT_AN_IMAGE),
}


def add(client, token, content: bytes, *, filename: str = "shot.png", **fields):
    data = {"title": "A field", **fields, "file": SimpleUploadedFile(filename, content)}
    return client.post(NEW, data, **token)


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_image_is_refused_with_its_reason_and_nothing_is_stored(
    client, token, wip_mod, case
):
    content, message = REFUSED[case]
    before = media_files()
    response = add(client, token, content)
    assert response.status_code == 400, response.content
    assert response.json() == {"success": False, "error": message}
    assert not Screenshot.objects.exists()
    assert media_files() == before


@pytest.mark.parametrize(
    ("fmt", "extension", "filename"),
    [("PNG", "png", "shot.png"), ("JPEG", "jpg", "shot.jpeg"), ("WEBP", "webp", "shot.webp")],
)
def test_the_smallest_allowed_image_of_each_format_is_stored(
    client, token, wip_mod, fmt, extension, filename
):
    response = add(client, token, image_bytes(fmt), filename=filename)
    assert response.status_code == 200, response.content
    shot = Screenshot.objects.get()
    assert (shot.width, shot.height) == (920, 517)
    assert shot.file.name.endswith(f".{extension}")


def test_the_byte_limit_is_checked_before_decoding():
    content = png_bytes()
    with override_settings(MAX_SCREENSHOT_SIZE=len(content)):
        assert check_image(content).extension == "png"
    with (
        override_settings(MAX_SCREENSHOT_SIZE=len(content) - 1),
        pytest.raises(InvalidImage) as caught,
    ):
        check_image(content)
    assert caught.value.message == f"The image is larger than {len(content) - 1} bytes"


@pytest.mark.parametrize(
    ("fields", "filename", "message"),
    [
        ({"title": "t" * 101}, "shot.png", "Title must be one line of at most 100 characters"),
        ({"title": "one\ntwo"}, "shot.png", "Title must be one line of at most 100 characters"),
        ({"title": "a\x00b"}, "shot.png", "Title must be one line of at most 100 characters"),
        ({}, "shot.gif", "Please upload a PNG, JPEG, or WebP image file"),
        ({}, "shot", "Please upload a PNG, JPEG, or WebP image file"),
        ({}, "shot.png.svg", "Please upload a PNG, JPEG, or WebP image file"),
    ],
)
def test_bad_screenshot_requests_are_refused(client, token, wip_mod, fields, filename, message):
    response = add(client, token, png_bytes(), filename=filename, **fields)
    assert response.json() == {"success": False, "error": message}
    assert not Screenshot.objects.exists()


def test_a_title_of_100_characters_or_blank(client, token, wip_mod):
    assert add(client, token, png_bytes(), title="t" * 100).status_code == 200
    assert add(client, token, png_bytes(), title="   ").status_code == 200
    assert sorted(Screenshot.objects.values_list("title", flat=True)) == ["Untitled", "t" * 100]


def test_twenty_screenshots_in_thirty_minutes_then_a_pause(client, token, wip_mod):
    for number in range(19):
        Screenshot.objects.create(
            package=wip_mod, title=f"s{number}", file="x.png", width=1, height=1
        )
    old = Screenshot.objects.create(package=wip_mod, title="old", file="x.png", width=1, height=1)
    Screenshot.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert add(client, token, png_bytes(), title="twentieth").status_code == 200
    response = add(client, token, png_bytes(), title="21st")
    assert response.json() == {
        "success": False,
        "error": "Too many requests, please wait before trying again",
    }
    assert not Screenshot.objects.filter(title="21st").exists()
