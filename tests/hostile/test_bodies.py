"""Hostile request bodies on both faces: oversized, wrong content types, malformed JSON, invalid
UTF-8, NUL characters and very long strings in every text field. Each answer is a 4xx in the face's
error format and nothing is stored. Already covered elsewhere, not repeated: the 20 MiB rockspec
POST and malformed multipart bodies (tests/luarocks/test_hostile_rockspecs.py), hostile zips and
images (tests/contentdb_writes), hostile Markdown (tests/rendering)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.hostile.conftest import contentdb_error, luarocks_error
from tests.luarocks.upload_support import rockspec_text

pytestmark = pytest.mark.django_db

PKG = "/api/packages/alice/farming/"


# --- oversized bodies: refused from Content-Length alone, before anything reads them -----------
OVERSIZED = [
    ("luarocks", "post", "/api/1/{key}/upload"),
    ("luarocks", "post", "/api/1/{key}/upload_rock/1"),
    ("contentdb", "post", "/api/packages/"),
    ("contentdb", "put", PKG),
    ("contentdb", "post", PKG + "releases/new/"),
    ("contentdb", "post", PKG + "screenshots/new/"),
    ("contentdb", "post", "/api/hypertext/?formspec_version=7"),
]


@override_settings(
    MAX_UPLOAD_SIZE=1024,
    MAX_ROCKSPEC_UPLOAD_SIZE=1024,
    MAX_RELEASE_ZIP_SIZE=1024,
    MAX_SCREENSHOT_SIZE=1024,
)
@pytest.mark.parametrize(("face", "method", "path"), OVERSIZED)
def test_oversized_body_is_413(client, world, unchanged, face, method, path):
    body = b"x" * (1024 + 65 * 1024 + 1)
    response = getattr(client, method)(
        path.format(key=world["key"]),
        body,
        content_type="application/octet-stream",
        **world["bearer"],
    )
    check = luarocks_error if face == "luarocks" else contentdb_error
    assert "too large" in str(check(response, 413))
    unchanged.check()


# --- wrong content types -----------------------------------------------------------------------
WRONG_TYPES = [
    ("post", "/api/packages/", "text/plain", b'{"name": "x"}'),
    ("post", "/api/packages/", "application/xml", b"<package><name>x</name></package>"),
    ("put", PKG, "text/csv", b"title,Hacked"),
    ("post", PKG + "screenshots/order/", "application/x-www-form-urlencoded", b"1=2"),
    ("post", PKG + "screenshots/cover-image/", "text/plain", b"cover_image=1"),
    ("post", "/api/hypertext/?formspec_version=7", "application/json", b'{"text": "# hi"}'),
    ("post", PKG + "releases/new/", "image/png", b"\x89PNG\r\n\x1a\n"),
]


@pytest.mark.parametrize(("method", "path", "content_type", "body"), WRONG_TYPES)
def test_wrong_content_type_is_refused(client, world, unchanged, method, path, content_type, body):
    response = getattr(client, method)(path, body, content_type=content_type, **world["bearer"])
    contentdb_error(response, (400, 415))
    unchanged.check()


def test_rockspec_sent_as_json_is_refused(client, world, unchanged):
    response = client.post(
        f"/api/1/{world['key']}/upload", b'{"rockspec_file": "x"}', content_type="application/json"
    )
    luarocks_error(response, 400)
    unchanged.check()


# --- malformed JSON ------------------------------------------------------------------------------
MALFORMED = {
    "unclosed object": b'{"title": "x"',
    "unclosed array": b"[1, 2",
    "missing value": b'{"title": }',
    "trailing comma": b'{"title": "x",}',
    "single quotes": b"{'title': 'x'}",
    "NaN": b'{"title": NaN}',
    "bare word": b"undefined",
    "lone surrogate escape": b'{"title": "\\ud800"}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "null": b"null",
    "array": b"[]",
    "number": b"12",
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize(("method", "path"), [("post", "/api/packages/"), ("put", PKG)])
def test_malformed_json_is_refused(client, world, unchanged, method, path, body):
    response = getattr(client, method)(
        path, body, content_type="application/json", **world["bearer"]
    )
    contentdb_error(response, (400, 403))
    unchanged.check()
    assert world["mod"].__class__.objects.get(pk=world["mod"].pk).title == "Farming"


# --- invalid UTF-8 -----------------------------------------------------------------------------
def test_invalid_utf8_json_is_refused(client, world, unchanged):
    response = client.put(
        PKG, b'{"title": "\xff\xfe\xc3"}', content_type="application/json", **world["bearer"]
    )
    contentdb_error(response, 400)
    unchanged.check()


def test_invalid_utf8_markdown_is_refused(client, world, unchanged):
    response = client.post(
        "/api/hypertext/?formspec_version=7",
        b"# \xff\xfe",
        content_type="text/markdown",
        **world["bearer"],
    )
    contentdb_error(response, 400)
    unchanged.check()


def test_invalid_utf8_rockspec_is_refused(client, world, unchanged):
    content = rockspec_text(package="Foo\xff".encode("latin-1").decode("latin-1")).replace(
        b"Foo\xc3\xbf", b"Foo\xff"
    )
    response = client.post(
        f"/api/1/{world['key']}/upload",
        {"rockspec_file": SimpleUploadedFile("foo-1.0-1.rockspec", content)},
    )
    luarocks_error(response, 400)
    unchanged.check()


def test_invalid_utf8_release_title_is_refused(client, world, unchanged):
    response = client.post(
        PKG + "releases/new/",
        b'{"method": "git", "ref": "main", "title": "\xc0\xaf"}',
        content_type="application/json",
        **world["bearer"],
    )
    contentdb_error(response, 400)
    unchanged.check()


# --- NUL characters ------------------------------------------------------------------------------
NUL_REQUESTS = [
    ("put", PKG, {"title": "Farm\x00ing"}),
    ("put", PKG, {"short_description": "\x00"}),
    ("put", PKG, {"long_description": "text\x00more"}),
    (
        "post",
        "/api/packages/",
        {
            "type": "MOD",
            "name": "nul\x00",
            "title": "t",
            "short_description": "s",
            "license": "MIT",
            "media_license": "MIT",
        },
    ),
    ("post", PKG + "releases/new/", {"method": "git", "ref": "ma\x00in", "title": "1.0"}),
    ("post", PKG + "screenshots/cover-image/", {"cover_image": "1\x00"}),
]


@pytest.mark.parametrize(("method", "path", "data"), NUL_REQUESTS)
def test_nul_in_json_field_is_refused(client, world, unchanged, method, path, data):
    response = getattr(client, method)(
        path, data, content_type="application/json", **world["bearer"]
    )
    contentdb_error(response, (400, 403, 404))
    unchanged.check()


@pytest.mark.parametrize(
    "path",
    [
        "/api/1/{key}/check_rockspec?package=a%00b&version=1.0-1",
        "/api/packages/?q=%00",
        "/api/packages/al%00ice/farming/",
        "/api/users/al%00ice/",
        "/manifests/al%00ice/manifest",
    ],
)
def test_nul_in_path_or_query_is_refused(client, world, path):
    response = client.get(path.format(key=world["key"]))
    assert 400 <= response.status_code < 500, response.content[:200]


def test_nul_in_upload_filename_never_reaches_a_name(client, world):
    """The part's file name is only a hint (luarocks.org ignores it): stored names come from the
    rockspec, so the upload may succeed but no row or file name carries the NUL."""
    from releases.models import ReleaseFile

    response = client.post(
        f"/api/1/{world['key']}/upload",
        {"rockspec_file": SimpleUploadedFile("foo-1.0-1\x00.rockspec", rockspec_text())},
    )
    assert response.status_code in (200, 400)
    assert not [f for f in ReleaseFile.objects.values_list("filename", flat=True) if "\x00" in f]


# --- very long strings in every text field -------------------------------------------------------
LONG = "a" * 100_000
PACKAGE_TEXT_FIELDS = [
    "title",
    "short_description",
    "long_description",
    "repo",
    "website",
    "issue_tracker",
    "forums",
    "video_url",
    "donate_url",
    "translation_url",
    "license",
    "media_license",
    "dev_state",
]


@pytest.mark.parametrize("field", PACKAGE_TEXT_FIELDS)
def test_long_string_in_package_field_is_refused(client, world, unchanged, field):
    response = client.put(PKG, {field: LONG}, content_type="application/json", **world["bearer"])
    contentdb_error(response, 400)
    unchanged.check()


@pytest.mark.parametrize("field", ["name", "title", "short_description"])
def test_long_string_in_new_package_is_refused(client, world, unchanged, field):
    data = {
        "type": "MOD",
        "name": "longone",
        "title": "t",
        "short_description": "s",
        "license": "MIT",
        "media_license": "MIT",
    }
    data[field] = LONG
    response = client.post(
        "/api/packages/", data, content_type="application/json", **world["bearer"]
    )
    contentdb_error(response, 400)
    unchanged.check()


@pytest.mark.parametrize("field", ["title", "name", "release_notes", "ref"])
def test_long_string_in_release_field_is_refused(client, world, unchanged, field):
    data = {"method": "git", "ref": "main", "title": "1.0"}
    data[field] = LONG
    response = client.post(
        PKG + "releases/new/", data, content_type="application/json", **world["bearer"]
    )
    contentdb_error(response, 400)
    unchanged.check()


def test_long_rockspec_name_or_version_is_refused(client, world, unchanged):
    for old, new in (
        ('package = "Foo"', f'package = "{LONG}"'),
        ('version = "1.0-1"', f'version = "{LONG}"'),
    ):
        content = rockspec_text().replace(old.encode(), new.encode())
        response = client.post(
            f"/api/1/{world['key']}/upload",
            {"rockspec_file": SimpleUploadedFile("foo-1.0-1.rockspec", content)},
        )
        luarocks_error(response, 400)
    unchanged.check()


@pytest.mark.parametrize(
    ("old", "new", "field", "limit"),
    [
        ('summary = "A test rock"', f'summary = "{LONG}"', "summary", 500),
        ('homepage = "https://example.org/foo"', f'homepage = "{LONG}"', "homepage", 255),
        ('license = "MIT/X11"', f'license = "{LONG}"', "license", 255),
    ],
    ids=["summary", "homepage", "license"],
)
def test_long_rockspec_description_field_is_cut_to_its_limit(client, world, old, new, field, limit):
    """releases/rockspecs.py keeps the first `limit` characters of description text, as stored
    luarocks.org modules do; the rockspec file itself is kept byte for byte."""
    content = rockspec_text().replace(old.encode(), new.encode())
    response = client.post(
        f"/api/1/{world['key']}/upload",
        {"rockspec_file": SimpleUploadedFile("foo-1.0-1.rockspec", content)},
    )
    assert response.status_code == 200
    assert (
        len(response.json()["module"].get(field) or response.json()["version"].get(field) or "")
        <= limit
    )


def test_long_upload_filename_is_not_used(client, world):
    from releases.models import ReleaseFile

    response = client.post(
        f"/api/1/{world['key']}/upload",
        {"rockspec_file": SimpleUploadedFile("f" * 5000 + "-1.0-1.rockspec", rockspec_text())},
    )
    assert response.status_code in (200, 400)
    assert all(len(f) < 256 for f in ReleaseFile.objects.values_list("filename", flat=True))
