"""The hostile families of the API tests, reused through the other face that reaches the same
services: rockspecs, release zips and images through the web face's upload forms (the API routes
are covered in tests/luarocks and tests/contentdb_writes), and the Markdown payloads of
tests/rendering stored as a package description and read back through every page and endpoint that
renders it."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.contentdb_writes.support import (
    SVG,
    bomb_zip,
    mod_zip,
    pixel_bomb_png,
    png_bytes,
    symlink_zip,
)
from tests.contentdb_writes.test_releases import HOSTILE as HOSTILE_ZIPS
from tests.rendering.markup import html_elements
from tests.rendering.test_security import PAYLOADS

pytestmark = pytest.mark.django_db

HOSTILE_ROCKSPECS = {
    "endless loop": b'package = "foo"\nversion = "1.0-1"\nwhile true do end',
    "string bomb": b'package = "foo"\nversion = "1.0-1"\nx = string.rep("x", 1e9)',
    "table bomb": b'package = "foo"\nversion = "1.0-1"\nt = {} for i = 1, 1e8 do t[i] = i end',
    "pattern bomb": b'package = "foo"\nversion = "1.0-1"\nx = string.rep("a", 5000):find(".-.-.-.-.-b")',
    "escape to os": b'package = "foo"\nversion = "1.0-1"\nos.execute("touch /tmp/pwned")',
    "bytecode": b"\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00",
    "binary garbage": bytes(range(256)) * 8,
    "empty": b"",
    "bad name": b'package = "../etc"\nversion = "1.0-1"',
    "bad version": b'package = "foo"\nversion = "1.0"',
}


@pytest.fixture
def logged_in(client, world, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("content", HOSTILE_ROCKSPECS.values(), ids=HOSTILE_ROCKSPECS.keys())
def test_hostile_rockspec_through_the_web_form(logged_in, unchanged, content):
    response = logged_in.post(
        "/upload/", {"rockspec_file": SimpleUploadedFile("foo-1.0-1.rockspec", content)}
    )
    assert response.status_code == 400
    assert b"errorlist" in response.content or b"error" in response.content
    unchanged.check()


@pytest.mark.parametrize("case", list(HOSTILE_ZIPS))
def test_hostile_zip_through_the_web_release_form(logged_in, unchanged, case):
    make, message = HOSTILE_ZIPS[case]
    content = make() if callable(make) else make
    response = logged_in.post(
        "/packages/alice/farming/releases/new/",
        {"source": "zip", "title": "2.0", "file": SimpleUploadedFile("farming.zip", content)},
    )
    assert response.status_code == 400, case
    assert html.escape(message) in response.content.decode()  # the same message as the API's
    unchanged.check()


def test_zip_family_helpers_are_really_hostile():
    assert bomb_zip() and symlink_zip() and mod_zip()


HOSTILE_IMAGES = {
    "not an image": (b"definitely not an image", "shot.png"),
    "truncated": (png_bytes()[:400], "shot.png"),
    "pixel bomb": (pixel_bomb_png(), "shot.png"),
    "svg": (SVG, "shot.svg"),
    "svg named png": (SVG, "shot.png"),
    "html named png": (b"<html><script>alert(1)</script></html>", "shot.png"),
    "tiny": (png_bytes(1, 1), "shot.png"),
}


@pytest.mark.parametrize(
    ("content", "filename"), HOSTILE_IMAGES.values(), ids=HOSTILE_IMAGES.keys()
)
def test_hostile_image_through_the_web_screenshot_form(logged_in, unchanged, content, filename):
    response = logged_in.post(
        "/packages/alice/farming/screenshots/",
        {"title": "shot", "file": SimpleUploadedFile(filename, content)},
    )
    assert response.status_code == 400
    unchanged.check()


ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg")


def _assert_no_active_content(html: str) -> None:
    for tag, attrs in html_elements(html):
        assert tag not in {"iframe", "object", "embed", "math", "svg"}, tag
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            compact = "".join((value or "").split()).lower()
            if name in {"href", "src", "action", "data", "formaction", "xlink:href", "style"}:
                assert not any(s in compact for s in ACTIVE_SCHEMES), (tag, name, value)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markup_payload_stored_as_description_renders_inert(client, world, payload):
    response = client.put(
        "/api/packages/alice/farming/",
        {"long_description": payload},
        content_type="application/json",
        **world["bearer"],
    )
    assert response.status_code == 200, response.content
    page = client.get("/packages/alice/farming/")
    assert page.status_code == 200
    _assert_no_active_content(page.content.decode())
    for path in ("hypertext/?formspec_version=7", "for-client/?formspec_version=7"):
        answer = client.get(f"/api/packages/alice/farming/{path}")
        assert answer.status_code == 200
        text = answer.content.decode().lower()
        assert "<script" not in text and "javascript:" not in text
