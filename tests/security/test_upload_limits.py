"""Uploads per account (media_tools.limits), counted by the upload services themselves, so every
entry point shares one limit: both APIs and every web form answer 429 with Retry-After in their
own format past it, and store nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from accounts.services import create_api_key, create_api_token
from media_tools.limits import TOO_MANY_UPLOADS
from packages.models import Package, PackageState, Screenshot
from releases.models import Release, ReleaseFile
from tests.contentdb_writes.support import mod_zip, png_bytes, provide_default
from tests.factories import PackageFactory, ReleaseFactory, RockFactory
from tests.luarocks.upload_support import media_files, rockspec_file, rockspec_text

pytestmark = pytest.mark.django_db

LIMIT = override_settings(RATELIMIT_UPLOADS=(2, 3600))


def stored() -> dict:
    return {
        "packages": Package.objects.count(),
        "releases": Release.objects.count(),
        "files": ReleaseFile.objects.count(),
        "screenshots": Screenshot.objects.count(),
        "media": media_files(),
    }


@dataclass
class EntryPoint:
    face: str  # "luarocks", "contentdb" or "web"
    upload: Callable[[int], object]  # the n-th upload (0, 1, 2), each one a new valid upload


def _rock_release(user) -> Release:
    rock = RockFactory(author=user, name="foo")
    return ReleaseFactory(package=rock, name="1.0-1", title="1.0-1")


def _wip_mod(user) -> Package:
    provide_default()
    return PackageFactory(
        author=user, name="farming", title="Farming", state=PackageState.WIP, approved_at=None
    )


def entry_point(name: str, user, run_on_commit) -> EntryPoint:
    """Set up what `name` uploads to, and return how to upload through it."""
    client = Client()
    if name.startswith("luarocks"):
        key = create_api_key(user=user)[1]
    if name.startswith("contentdb"):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user)[1]}"}
    if name.startswith("web"):
        client.force_login(user)
    arches = ["linux-x86_64", "src", "all"]

    def luarocks_rockspec(n: int):
        version = f"1.{n}-1"
        spec = rockspec_file(rockspec_text(version=version), f"foo-{version}.rockspec")
        return client.post(f"/api/1/{key}/upload", {"rockspec_file": spec})

    def luarocks_rock(n: int):
        rock = SimpleUploadedFile(f"foo-1.0-1.{arches[n]}.rock", b"PK\x03\x04 a rock")
        return client.post(f"/api/1/{key}/upload_rock/{release.pk}", {"rock_file": rock})

    def contentdb_create(n: int):
        body = {
            "type": "MOD",
            "name": f"mod_{n}",
            "title": f"Mod {n}",
            "short_description": "A mod",
            "license": "MIT",
            "media_license": "MIT",
        }
        return client.post("/api/packages/", body, content_type="application/json", **auth)

    def contentdb_zip(n: int):
        data = {"title": f"1.{n}", "file": SimpleUploadedFile("farming.zip", mod_zip())}
        return client.post("/api/packages/alice/farming/releases/new/", data, **auth)

    def contentdb_screenshot(n: int):
        data = {"title": f"Shot {n}", "file": SimpleUploadedFile("s.png", png_bytes())}
        return client.post("/api/packages/alice/farming/screenshots/new/", data, **auth)

    def web_rockspec(n: int):
        version = f"1.{n}-1"
        spec = SimpleUploadedFile(f"foo-{version}.rockspec", rockspec_text(version=version))
        return client.post("/upload/", {"rockspec_file": spec})

    def web_rock(n: int):
        rock = SimpleUploadedFile(f"foo-1.0-1.{arches[n]}.rock", b"PK\x03\x04 a rock")
        return client.post("/modules/alice/foo/1.0-1", {"rock_file": rock})

    def web_create(n: int):
        data = {
            "type": "MOD",
            "name": f"mod_{n}",
            "title": f"Mod {n}",
            "short_description": "Does things.",
            "license": "MIT",
            "media_license": "CC-BY-SA-4.0",
        }
        return client.post("/packages/new/", data)

    def web_zip(n: int):
        data = {
            "source": "zip",
            "title": f"1.{n}",
            "file": SimpleUploadedFile("farming.zip", mod_zip()),
        }
        return client.post("/packages/alice/farming/releases/new/", data)

    def web_screenshot(n: int):
        data = {"title": f"Shot {n}", "file": SimpleUploadedFile("s.png", png_bytes())}
        return client.post("/packages/alice/farming/screenshots/", data)

    uploads = {
        "luarocks-rockspec": luarocks_rockspec,
        "luarocks-rock": luarocks_rock,
        "contentdb-package": contentdb_create,
        "contentdb-zip-release": contentdb_zip,
        "contentdb-screenshot": contentdb_screenshot,
        "web-rockspec": web_rockspec,
        "web-rock": web_rock,
        "web-package": web_create,
        "web-zip-release": web_zip,
        "web-screenshot": web_screenshot,
    }
    if name.endswith("-rock"):
        release = _rock_release(user)
    if name.endswith(("zip-release", "screenshot")):
        _wip_mod(user)

    def upload(n: int):
        with run_on_commit(execute=True):
            return uploads[name](n)

    return EntryPoint(face=name.split("-")[0], upload=upload)


ENTRY_POINTS = [
    "luarocks-rockspec",
    "luarocks-rock",
    "contentdb-package",
    "contentdb-zip-release",
    "contentdb-screenshot",
    "web-rockspec",
    "web-rock",
    "web-package",
    "web-zip-release",
    "web-screenshot",
]


def assert_refused(response, face: str) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    if face == "luarocks":
        assert response.json() == {"errors": [TOO_MANY_UPLOADS]}
    elif face == "contentdb":
        assert response.json() == {"success": False, "error": TOO_MANY_UPLOADS}
    else:  # the form again, with the limit as its error
        page = response.content.decode()
        assert 'class="errorlist form-errors"' in page
        assert TOO_MANY_UPLOADS in page


@LIMIT
@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_every_entry_point_counts_uploads_and_refuses_past_the_limit(
    name, user, django_capture_on_commit_callbacks
):
    point = entry_point(name, user, django_capture_on_commit_callbacks)
    for n in range(2):
        response = point.upload(n)
        assert response.status_code in (200, 201, 302), response.content[:500]
    before = stored()
    assert_refused(point.upload(2), point.face)
    assert stored() == before


@LIMIT
def test_the_limit_is_one_for_the_account_across_entry_points(
    user, other_user, django_capture_on_commit_callbacks
):
    """Two uploads through two different faces use up the account's limit for every other face;
    another account is not affected."""
    rockspec_api = entry_point("luarocks-rockspec", user, django_capture_on_commit_callbacks)
    web_package = entry_point("web-package", user, django_capture_on_commit_callbacks)
    zip_api = entry_point("contentdb-zip-release", user, django_capture_on_commit_callbacks)
    assert rockspec_api.upload(0).status_code == 200
    assert web_package.upload(0).status_code == 302
    before = stored()
    assert_refused(zip_api.upload(0), "contentdb")
    # a git import is an upload too: refused before the task is queued
    Package.objects.filter(name="farming").update(repo="https://example.org/farming.git")
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user=user)[1]}").post(
        "/api/packages/alice/farming/releases/new/",
        {"method": "git", "title": "From git", "ref": "main"},
        content_type="application/json",
    )
    assert_refused(refused, "contentdb")
    assert stored() == before
    bob = Client()
    bob.force_login(other_user)
    assert (
        bob.post("/upload/", {"rockspec_file": rockspec_file(rockspec_text())}).status_code == 302
    )


def test_default_upload_limit_leaves_honest_users_alone(settings):
    assert settings.RATELIMIT_UPLOADS == (60, 3600)
