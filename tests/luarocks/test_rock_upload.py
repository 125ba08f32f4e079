"""POST /api/1/<key>/upload_rock/<version_id>: one rock per version and arch (docs/protocols/luarocks.md 2.4)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ApiKey
from accounts.services import create_api_key
from media_tools.generations import generation
from packages.invalidation import ROOT_MANIFESTS, user_manifests
from releases.models import FileKind, Release, ReleaseFile
from tests.luarocks.upload_support import (
    Snapshot,
    media_files,
    other_secret,
    rockspec_text,
    secret,
    upload,
    upload_rock_file,
)

__all__ = ["other_secret", "secret", "upload", "upload_rock_file"]

pytestmark = pytest.mark.django_db

FORMAT = "Filename must be in format `foo-VERSION.ARCH.rock`"
INVALID = "contains invalid characters, only alphanumeric, period, underscore, and hyphen allowed"


@pytest.fixture
def version_id(secret, upload) -> int:
    return upload(secret, rockspec_text("Foo", "1.0-1")).json()["version"]["id"]


def test_src_rock_is_stored_for_the_version(secret, version_id, upload_rock_file):
    response = upload_rock_file(secret, version_id, "foo-1.0-1.src.rock", b"zip bytes")
    assert response.status_code == 200
    body = response.json()
    rock = ReleaseFile.objects.get(kind=FileKind.ROCK)
    assert body["rock"]["id"] == rock.pk
    assert body["rock"]["arch"] == "src"
    assert body["rock"]["revision"] == 1
    assert body["rock"]["version_id"] == version_id
    assert body["module_url"].endswith("/modules/alice/foo")
    assert (rock.arch, rock.filename, rock.size) == ("src", "foo-1.0-1.src.rock", 9)
    assert rock.file.read() == b"zip bytes"
    assert ApiKey.objects.get().actions == 2


def test_each_arch_is_one_rock_and_reupload_overwrites(secret, version_id, upload_rock_file):
    upload_rock_file(secret, version_id, "foo-1.0-1.linux-x86_64.rock", b"one")
    files = media_files()
    response = upload_rock_file(secret, version_id, "foo-1.0-1.linux-x86_64.rock", b"two")
    assert response.json()["rock"]["revision"] == 2
    upload_rock_file(secret, version_id, "foo-1.0-1.win32-x86.rock", b"three")
    rocks = ReleaseFile.objects.filter(kind=FileKind.ROCK).order_by("arch")
    assert [(r.arch, r.revision, r.file.read()) for r in rocks] == [
        ("linux-x86_64", 2, b"two"),
        ("win32-x86", 1, b"three"),
    ]
    assert len(media_files()) == len(files) + 1  # the overwritten revision's file is gone


def test_manifests_are_invalidated_for_a_new_arch_only(user, secret, version_id, upload_rock_file):
    scopes = (ROOT_MANIFESTS, user_manifests(user.pk))
    before = [generation(scope) for scope in scopes]
    upload_rock_file(secret, version_id, "foo-1.0-1.src.rock")
    after_new_arch = [generation(scope) for scope in scopes]
    assert after_new_arch == [g + 1 for g in before]
    upload_rock_file(secret, version_id, "foo-1.0-1.src.rock")
    assert [generation(scope) for scope in scopes] == after_new_arch


def test_rock_for_an_uppercase_version_keeps_its_case(secret, upload, upload_rock_file):
    version_id = upload(secret, rockspec_text("Foo", "1.0RC1-1")).json()["version"]["id"]
    response = upload_rock_file(secret, version_id, "foo-1.0RC1-1.src.rock")
    assert response.status_code == 200
    assert ReleaseFile.objects.get(kind=FileKind.ROCK).filename == "foo-1.0RC1-1.src.rock"


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("bar-1.0-1.src.rock", FORMAT),
        ("foo_1.0-1.src.rock", FORMAT),
        ("foo-1.0-1.rock", "Rock doesn't match version 1.0-1"),  # version "1", arch "0-1"
        ("foo-1.0-1.src.zip", FORMAT),
        ("foo-1.0-1.src.rock.exe", FORMAT),
        ("../../etc/passwd", FORMAT),  # Django keeps only the base name: "passwd"
        ("foo-2.0-1.src.rock", "Rock doesn't match version 1.0-1"),
        ("foo-1.0-2.src.rock", "Rock doesn't match version 1.0-1"),
        ("foo-1.0 1.src.rock", f"Version {INVALID}"),
        ("foo-1.0-1.sr$c.rock", f"Arch {INVALID}"),
        ("foo-1.0-1.srç.rock", f"Arch {INVALID}"),
        ("foo-1.0-1.rockspec.rock", "Arch rockspec is reserved for the rockspec itself"),
    ],
)
def test_bad_rock_filenames_are_refused_and_nothing_is_stored(
    secret, version_id, upload_rock_file, filename, message
):
    before = Snapshot()
    response = upload_rock_file(secret, version_id, filename)
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}
    before.assert_unchanged()


def test_path_parts_in_the_rock_filename_never_reach_storage(secret, version_id, upload_rock_file):
    # Django strips directories from multipart file names (more lenient than luarocks.org, and it
    # lets luarocks 3.11 on Windows, which sent full paths, work); the stored name is ours.
    response = upload_rock_file(secret, version_id, "..\\..\\tmp\\foo-1.0-1.src.rock")
    assert response.status_code == 200
    rock = ReleaseFile.objects.get(kind=FileKind.ROCK)
    assert rock.filename == "foo-1.0-1.src.rock"
    stored = Path(rock.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "tmp" not in rock.file.name and stored.name.startswith("foo-1")


def test_rock_without_the_file_field_is_refused(client, secret, version_id):
    before = Snapshot()
    response = client.post(
        f"/api/1/{secret}/upload_rock/{version_id}",
        {"rockspec_file": SimpleUploadedFile("foo-1.0-1.src.rock", b"x")},
    )
    assert response.status_code == 400
    assert response.json() == {"errors": ["Missing file: rock_file"]}
    before.assert_unchanged()


@pytest.mark.parametrize("bad_id", ["abc", "-1", "1.0", "1e3", "%20"])
def test_non_integer_version_id_is_400(secret, upload_rock_file, bad_id):
    response = upload_rock_file(secret, bad_id, "foo-1.0-1.src.rock")
    assert response.status_code == 400
    assert response.json() == {"errors": ["version_id must be an integer"]}


@pytest.mark.parametrize("unknown", ["999999", "0", "9" * 18, "9" * 40])
def test_unknown_version_id_is_404(secret, version_id, upload_rock_file, unknown):
    response = upload_rock_file(secret, unknown, "foo-1.0-1.src.rock")
    if len(unknown) > 18:
        assert response.status_code == 400  # not a number we could store
        return
    assert response.status_code == 404
    assert response.json() == {"errors": ["invalid version"]}


def test_another_users_version_is_404_and_nothing_is_stored(
    other_secret, version_id, upload_rock_file
):
    before = Snapshot()
    response = upload_rock_file(other_secret, version_id, "foo-1.0-1.src.rock")
    assert response.status_code == 404
    assert response.json() == {"errors": ["invalid version"]}
    before.assert_unchanged()


def test_a_moderator_may_upload_a_rock_to_any_version(moderator, version_id, upload_rock_file):
    _, key = create_api_key(user=moderator)
    response = upload_rock_file(key, version_id, "foo-1.0-1.all.rock")
    assert response.status_code == 200
    assert response.json()["module_url"].endswith("/modules/alice/foo")
    assert Release.objects.get().files.filter(kind=FileKind.ROCK, arch="all").exists()


def test_rock_upload_with_get_is_405(client, secret, version_id):
    response = client.get(f"/api/1/{secret}/upload_rock/{version_id}")
    assert response.status_code == 405
    assert response.json() == {"errors": ["Method not allowed"]}


def test_rock_for_a_deleted_module_is_refused(secret, version_id, upload_rock_file):
    from packages.models import Package, PackageState

    Package.objects.update(state=PackageState.DELETED)
    before = Snapshot()
    response = upload_rock_file(secret, version_id, "foo-1.0-1.src.rock")
    # a deleted module's versions are a moderator's: to its owner they look missing
    assert response.status_code == 404
    assert response.json() == {"errors": ["invalid version"]}
    before.assert_unchanged()


def test_too_many_multipart_fields_is_a_json_400(client, secret, version_id):
    fields = {f"f{i}": "x" for i in range(1100)}
    fields["rock_file"] = SimpleUploadedFile("foo-1.0-1.src.rock", b"x")
    before = Snapshot()
    response = client.post(f"/api/1/{secret}/upload_rock/{version_id}", fields)
    assert response.status_code == 400
    assert response.json() == {"errors": ["Bad request"]}
    before.assert_unchanged()


def test_a_fifteen_mebibyte_rock_is_accepted(secret, version_id, upload_rock_file):
    content = b"\x00" * settings.MAX_UPLOAD_SIZE
    response = upload_rock_file(secret, version_id, "foo-1.0-1.linux-x86_64.rock", content)
    assert response.status_code == 200
    assert response.json()["rock"]["size"] == settings.MAX_UPLOAD_SIZE == 15 * 1024 * 1024
