"""Large releases (issue 18): the upload limits are settings per kind of file (a release zip 100 MiB,
300 MiB unpacked; screenshots and rockspecs much lower), each route refuses a larger body with 413 in
its face's format, and an accepted upload goes to storage with bounded memory.

The 120 MB zip stands for the large real content of ContentDB (games with many textures and
sounds, 512-px texture packs): incompressible data, so the zip is as large as its content. The
upload is streamed from disk into the request (as a WSGI server does) and Python's allocations are
traced while the server handles it: the peak stays a small fraction of the zip's size, so no step
(the multipart parser, the zip checks, hashing, storing) read the file whole. Marked `large`:
seconds of work and about 400 MB of temporary disk.
"""

import hashlib
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from releases.models import FileKind, Release, ReleaseFile
from tests.contentdb_writes.large_uploads import MiB, MultipartStream, write_mod_zip
from tests.contentdb_writes.support import media_files, png_bytes, zip_bytes

URL = "/api/packages/alice/farming/releases/new/"


@pytest.fixture
def alice_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.large
@pytest.mark.django_db
def test_a_120_megabyte_release_is_accepted_with_bounded_memory(
    client, token, wip_mod, tmp_path, settings
):
    path = tmp_path / "farming.zip"
    size = write_mod_zip(path, name="farming", size=120 * 1000 * 1000)
    assert size > 120 * 1000 * 1000
    body = MultipartStream({"title": "2.0.0"}, file_field="file", path=path, filename="farming.zip")
    # the default (ContentDB's 100 MB) refuses it before reading a byte; an operator raises it
    refused = client.post(URL, **body.environ(), **token)
    assert refused.status_code == 413
    assert refused.json()["error"] == f"Request body too large (limit {100 * MiB} bytes)"
    settings.MAX_RELEASE_ZIP_SIZE = 150 * MiB
    body = MultipartStream({"title": "2.0.0"}, file_field="file", path=path, filename="farming.zip")

    tracemalloc.start()
    try:
        response = client.post(URL, **body.environ(), **token)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200, response.content
    assert response.json()["release"]["size"] == size
    print(f"traced peak {peak / MiB:.1f} MiB for a {size} byte zip")
    assert peak < 24 * MiB, f"{peak / MiB:.1f} MiB allocated at the peak for a {size} byte zip"
    stored = ReleaseFile.objects.get(release__package=wip_mod, kind=FileKind.ZIP)
    assert stored.size == size
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(MiB):
            digest.update(chunk)
    assert stored.sha256 == digest.hexdigest()
    with stored.file.open("rb") as handle:
        handle.seek(size - 1024)
        with path.open("rb") as source:
            source.seek(size - 1024)
            assert handle.read() == source.read()
    assert list(wip_mod.provides.values_list("name", flat=True)) == ["farming"]


# --- the limits are settings, per route -----------------------------------------------------


def declared(length: int) -> dict:
    """A request that says it carries `length` bytes: the limit is checked before any is read."""
    return {"CONTENT_LENGTH": str(length), "content_type": "application/octet-stream"}


def test_the_default_limits(settings):
    assert 100 * MiB == settings.MAX_RELEASE_ZIP_SIZE
    assert 300 * MiB == settings.MAX_RELEASE_UNPACKED_SIZE
    assert 10 * MiB == settings.MAX_SCREENSHOT_SIZE
    assert 1 * MiB == settings.MAX_ROCKSPEC_UPLOAD_SIZE
    assert 15 * MiB == settings.MAX_UPLOAD_SIZE  # rocks, and any body without a limit of its own
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.MAX_RELEASE_ZIP_SIZE


@pytest.mark.django_db
@override_settings(MAX_RELEASE_ZIP_SIZE=2 * MiB, MAX_UPLOAD_SIZE=MiB)
def test_the_release_route_takes_bodies_up_to_the_zip_limit(client, token, wip_mod):
    over = client.post(URL, b"", **declared(2 * MiB + 64 * 1024 + 1), **token)
    assert over.status_code == 413
    assert over.json() == {
        "success": False,
        "error": f"Request body too large (limit {2 * MiB} bytes)",
    }
    # above the default limit, below the zip limit: the body is read, and the zip stored
    padded = _padded_mod_zip(int(1.5 * MiB))
    response = client.post(
        URL, {"title": "1.0.0", "file": SimpleUploadedFile("farming.zip", padded)}, **token
    )
    assert response.status_code == 200, response.content
    assert response.json()["release"]["size"] == len(padded) > MiB


@pytest.mark.django_db
@override_settings(MAX_RELEASE_ZIP_SIZE=MiB)
def test_a_zip_over_the_setting_is_refused_with_the_limit(client, token, wip_mod):
    padded = _padded_mod_zip(MiB + 10)
    before = media_files()
    response = client.post(
        URL, {"title": "1.0.0", "file": SimpleUploadedFile("farming.zip", padded)}, **token
    )
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "The zip is larger than 1 MiB"}
    assert not Release.objects.exists() and media_files() == before


@pytest.mark.django_db
@override_settings(MAX_RELEASE_UNPACKED_SIZE=MiB)
def test_content_over_the_unpacked_setting_is_refused(client, token, wip_mod):
    content = zip_bytes(
        {
            "farming/mod.conf": "name = farming\n",
            "farming/init.lua": "",
            "farming/sounds/a.ogg": b"\1" * (MiB // 2 + 1),
            "farming/sounds/b.ogg": b"\2" * (MiB // 2),
        }
    )
    response = client.post(
        URL, {"title": "1.0.0", "file": SimpleUploadedFile("farming.zip", content)}, **token
    )
    assert response.status_code == 400
    assert response.json()["error"] == "The zip's content is larger than 1 MiB unpacked"
    assert not Release.objects.exists()


@pytest.mark.django_db
@override_settings(MAX_SCREENSHOT_SIZE=64 * 1024, MAX_UPLOAD_SIZE=10 * MiB)
def test_the_screenshot_route_has_its_own_lower_limit(client, token, wip_mod):
    path = "/api/packages/alice/farming/screenshots/new/"
    over = client.post(path, b"", **declared(128 * 1024 + 1), **token)
    assert over.status_code == 413
    assert over.json()["error"] == f"Request body too large (limit {64 * 1024} bytes)"
    image = png_bytes()
    assert len(image) < 64 * 1024
    ok = client.post(
        path, {"title": "Cave", "file": SimpleUploadedFile("cave.png", image)}, **token
    )
    assert ok.status_code == 200, ok.content


@pytest.mark.django_db
@override_settings(MAX_ROCKSPEC_UPLOAD_SIZE=1000, MAX_UPLOAD_SIZE=10 * MiB)
def test_the_rockspec_route_has_its_own_lower_limit_in_the_luarocks_format(client):
    response = client.post("/api/1/somekey/upload", b"", **declared(1000 + 64 * 1024 + 1))
    assert response.status_code == 413
    assert response.json() == {"errors": ["Request body too large (limit 1000 bytes)"]}
    # the rock route keeps the default limit
    rock = client.post("/api/1/somekey/upload_rock/1", b"", **declared(2 * MiB))
    assert rock.status_code != 413


@pytest.mark.django_db
@override_settings(MAX_RELEASE_ZIP_SIZE=MiB)
def test_the_web_release_form_refuses_a_body_over_the_zip_limit(alice_client, wip_mod):
    response = alice_client.post(
        "/packages/alice/farming/releases/new/", b"", **declared(MiB + 64 * 1024 + 1)
    )
    assert response.status_code == 413
    assert response.content.decode() == f"Request body too large (limit {MiB} bytes)"


@pytest.mark.django_db
@override_settings(MAX_UPLOAD_SIZE=1000)
def test_the_web_release_form_takes_zips_above_the_default_limit(alice_client, wip_mod):
    padded = _padded_mod_zip(200 * 1024)
    response = alice_client.post(
        "/packages/alice/farming/releases/new/",
        {"source": "zip", "title": "1.0.0", "file": SimpleUploadedFile("farming.zip", padded)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Release.objects.get().files.get().size == len(padded)


def _padded_mod_zip(size: int) -> bytes:
    """A valid mod zip of exactly `size` bytes (a stored texture fills it up)."""
    import io
    import zipfile

    def build(fill: int) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("farming/mod.conf", "name = farming\n")
            archive.writestr("farming/init.lua", "")
            archive.writestr("farming/LICENSE.txt", "MIT\n")
            archive.writestr("farming/textures/fill.png", b"\x89" * fill)
        return buffer.getvalue()

    overhead = len(build(0))
    content = build(size - overhead)
    assert len(content) == size
    return content


@pytest.mark.django_db
@override_settings(MAX_RELEASE_ZIP_SIZE=50 * MiB)
def test_the_web_release_form_names_the_limit(alice_client, wip_mod):
    page = alice_client.get("/packages/alice/farming/releases/new/").content.decode()
    assert (
        "The mod, game or texture pack folder, zipped. Needed when you upload a zip. At most 50.0\xa0MB."
        in page
    )
