"""The path-key upload API through HTTP, as `luarocks upload` calls it (docs/protocols/luarocks.md)."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.models import ApiKey, Rank
from accounts.services import create_api_key, revoke_api_key
from packages.models import Package, PackageState, PackageType
from registry.luarocks.auth import ACCOUNT_SUSPENDED, INVALID_KEY, KEY_REVOKED
from releases.models import FileKind, Release, ReleaseFile
from tests.factories import RockFactory, UserFactory
from tests.luarocks.upload_support import (
    ROOT,
    Snapshot,
    media_files,
    other_secret,
    rockspec_text,
    secret,
    upload,
)

__all__ = ["other_secret", "secret", "upload"]  # fixtures used by name below

pytestmark = pytest.mark.django_db


# -- tool_version and status -------------------------------------------------------------------


def test_tool_version_is_the_string_the_client_expects(client):
    response = client.get("/api/tool_version?current=1%2e0%2e0")
    assert response.status_code == 200
    assert response.json() == {"version": "1.0.0"}


def test_tool_version_refuses_post_in_json(client):
    response = client.post("/api/tool_version")
    assert response.status_code == 405
    assert response.json() == {"errors": ["Endpoint or method not found"]}


def test_status_answers_user_id_and_key_creation_time(client, user, secret):
    key = ApiKey.objects.get()
    key.created_at = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    key.save()
    response = client.get(f"/api/1/{secret}/status")
    assert response.status_code == 200
    assert response.json() == {"user_id": user.pk, "created_at": "2024-01-15 10:30:00"}
    assert ApiKey.objects.get().last_used_at is not None


def test_status_costs_two_queries(client, secret, django_assert_num_queries):
    with django_assert_num_queries(2):  # the key with its user, and touching last_used_at
        assert client.get(f"/api/1/{secret}/status").status_code == 200


# -- authentication ----------------------------------------------------------------------------


def test_unknown_key_is_401_invalid_key(client):
    response = client.get("/api/1/" + "A" * 40 + "/status")
    assert response.status_code == 401
    assert response.json() == {"errors": [INVALID_KEY]}


def test_revoked_key_is_403_and_not_touched(client, user, secret):
    revoke_api_key(key=ApiKey.objects.get())
    response = client.get(f"/api/1/{secret}/check_rockspec?package=foo&version=1.0-1")
    assert response.status_code == 403
    assert response.json() == {"errors": [KEY_REVOKED]}
    assert ApiKey.objects.get().last_used_at is None


def test_suspended_account_is_403_and_uploads_nothing(client, user, secret, upload):
    user.is_suspended = True
    user.save()
    before = Snapshot()
    response = upload(secret, rockspec_text())
    assert response.status_code == 403
    assert response.json() == {"errors": [ACCOUNT_SUSPENDED]}
    before.assert_unchanged()


@pytest.mark.parametrize(
    "key",
    [
        "a$b",
        "%FF%FE",
        "%E2%80%AE" + "A" * 39,
        "ключ",
        "A" * 41,
        "A" * 5000,
        "..",
        "'%20OR%201=1--",
        "%0d%0aSet-Cookie:x",
        "A%2BB",
        "%25",
    ],
)
def test_odd_characters_in_the_key_are_401_never_500(client, key):
    for path in ("status", "check_rockspec?package=a&version=1-1"):
        response = client.get(f"/api/1/{key}/{path}")
        assert response.status_code == 401
        assert response.json() == {"errors": [INVALID_KEY]}
    response = client.post(f"/api/1/{key}/upload", {"rockspec_file": SimpleUploadedFile("x", b"")})
    assert response.status_code == 401


def test_a_nul_in_the_key_is_refused_before_any_lookup(client):
    # PostgreSQL cannot even compare a NUL: every face refuses it up front (registry/security.py)
    response = client.get("/api/1/%00/status")
    assert response.status_code == 400
    assert response.json() == {"errors": ["Invalid character in the request"]}


def test_a_slash_in_the_key_is_a_json_404(client):
    response = client.get("/api/1/ab%2Fcd/status")
    assert response.status_code == 404
    assert response.json() == {"errors": ["Endpoint or method not found"]}


def test_trailing_slash_is_not_redirected(client, secret):
    response = client.post(f"/api/1/{secret}/upload/")
    assert response.status_code == 404
    assert response.json() == {"errors": ["Endpoint or method not found"]}


def test_upload_with_get_is_a_json_405(client, secret):
    response = client.get(f"/api/1/{secret}/upload")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"errors": ["Method not allowed"]}


def test_no_csrf_token_is_needed(secret, upload):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        f"/api/1/{secret}/upload",
        {"rockspec_file": SimpleUploadedFile("foo-1.0-1.rockspec", rockspec_text())},
    )
    assert response.status_code == 200


# -- check_rockspec ----------------------------------------------------------------------------


def test_check_rockspec_is_an_empty_object_when_nothing_exists(client, secret):
    response = client.get(f"/api/1/{secret}/check_rockspec?package=Foo&version=1%2e0%2d1")
    assert response.status_code == 200
    assert response.content == b"{}"


def test_check_rockspec_omits_version_when_only_the_module_exists(client, secret, upload):
    upload(secret, rockspec_text("Foo", "1.0-1"))
    response = client.get(f"/api/1/{secret}/check_rockspec?package=FOO&version=2%2e0%2d1")
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"module"}  # never "version": null, which lua-cjson reads as truthy
    assert body["module"]["name"] == "foo"
    assert body["module"]["display_name"] == "Foo"
    assert b"null" not in response.content


def test_check_rockspec_finds_module_and_version_case_insensitively(client, secret, upload):
    version_id = upload(secret, rockspec_text("Foo", "1.0RC1-1")).json()["version"]["id"]
    response = client.get(f"/api/1/{secret}/check_rockspec?package=foo&version=1%2e0rc1%2d1")
    body = response.json()
    assert set(body) == {"module", "version"}
    assert body["version"]["id"] == version_id
    assert body["version"]["display_version_name"] == "1.0RC1-1"
    assert body["version"]["rockspec_fname"] == "foo-1.0RC1-1.rockspec"
    assert body["module"]["current_version_id"] == version_id


def test_check_rockspec_does_not_see_other_users_modules(client, secret, other_secret, upload):
    upload(other_secret, rockspec_text("Foo", "1.0-1"))
    response = client.get(f"/api/1/{secret}/check_rockspec?package=foo&version=1.0-1")
    assert response.json() == {}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("version=1.0-1", "package must be provided"),
        ("package=&version=1.0-1", "package must be provided"),
        ("package=foo", "version must be provided"),
    ],
)
def test_check_rockspec_requires_both_parameters(client, secret, query, message):
    response = client.get(f"/api/1/{secret}/check_rockspec?{query}")
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}


# -- upload ------------------------------------------------------------------------------------


@override_settings(SITE_URL="https://rocks.example.org")
def test_first_upload_creates_a_public_rock_in_the_root_manifest(user, secret, upload):
    response = upload(secret, rockspec_text("Foo", "1.0-1"))
    assert response.status_code == 200
    body = response.json()
    package = Package.objects.get()
    release = Release.objects.get()
    rockspec = ReleaseFile.objects.get()
    assert body["module"]["id"] == package.pk
    assert body["module"]["name"] == "foo"
    assert body["module"]["current_version_id"] == release.pk
    assert body["version"]["id"] == release.pk
    assert body["version"]["version_name"] == "1.0-1"
    assert body["version"]["module_id"] == package.pk
    assert body["version"]["rockspec_fname"] == "foo-1.0-1.rockspec"
    assert body["module_url"] == "https://rocks.example.org/modules/alice/foo"
    assert body["manifests"] == ROOT
    assert body["is_new"] is True
    assert package.type == PackageType.ROCK and package.state == PackageState.APPROVED
    assert (package.name, package.title, package.author) == ("foo", "Foo", user)
    assert package.in_root_manifest is True
    assert package.short_description == "A test rock"
    assert package.long_description == "Longer text."
    assert package.declared_license == "MIT/X11"
    assert package.website == "https://example.org/foo"
    assert package.labels == ["testing", "json"]
    assert release.name == "1.0-1" and release.revision == 1 and not release.is_development
    assert release.lua_constraint == "lua >= 5.1, < 5.5"
    assert release.source_url == "https://example.org/foo-1.0-1.tar.gz"
    assert [(d.name, d.constraint) for d in release.rock_dependencies.all()] == [
        ("lua", ">= 5.1, < 5.5"),
        ("luasocket", "~> 3"),
    ]
    assert rockspec.kind == FileKind.ROCKSPEC and rockspec.filename == "foo-1.0-1.rockspec"
    assert rockspec.file.read() == rockspec_text("Foo", "1.0-1")
    assert ApiKey.objects.get().actions == 1


def test_second_version_is_added_to_the_same_rock(secret, upload):
    first = upload(secret, rockspec_text("Foo", "1.0-1")).json()
    second = upload(secret, rockspec_text("foo", "1.1-1"), name="foo-1.1-1.rockspec").json()
    assert second["is_new"] is False
    assert second["module"]["id"] == first["module"]["id"]
    assert second["module"]["current_version_id"] == second["version"]["id"]
    assert second["manifests"] == ROOT
    assert Release.objects.count() == 2
    assert ApiKey.objects.get().actions == 2


def test_reupload_overwrites_the_rockspec_and_bumps_revisions(secret, upload):
    first = upload(secret, rockspec_text("Foo", "1.0-1")).json()
    old_files = media_files()
    changed = rockspec_text("Foo", "1.0-1", dependencies='{ "lua >= 5.3" }')
    response = upload(secret, changed)
    body = response.json()
    assert response.status_code == 200
    assert body["is_new"] is False
    assert body["version"]["id"] == first["version"]["id"]
    assert body["version"]["revision"] == 2
    release = Release.objects.get()
    assert release.revision == 2 and release.lua_constraint == "lua >= 5.3"
    assert [d.name for d in release.rock_dependencies.all()] == ["lua"]
    rockspec = ReleaseFile.objects.get()
    assert rockspec.revision == 2 and rockspec.file.read() == changed
    assert len(media_files()) == len(old_files)  # the old revision's file was removed on commit
    assert media_files() != old_files


def test_version_case_is_kept_and_matched_case_insensitively(secret, upload):
    upload(secret, rockspec_text("Foo", "1.0RC1-1", extra=""))
    response = upload(secret, rockspec_text("Foo", "1.0rc1-1"))
    assert response.json()["version"]["revision"] == 2
    release = Release.objects.get()
    assert release.name == "1.0rc1-1"  # the newest rockspec's spelling names the file
    assert ReleaseFile.objects.get().filename == "foo-1.0rc1-1.rockspec"


def test_development_versions_are_flagged(secret, upload):
    body = upload(secret, rockspec_text("Foo", "scm-1")).json()
    assert body["version"]["development"] is True
    assert Release.objects.get().is_development is True


def test_root_manifest_is_first_come_and_names_are_per_user(
    client, user, secret, other_secret, upload
):
    upload(secret, rockspec_text("Foo", "1.0-1"))
    response = upload(other_secret, rockspec_text("FOO", "2.0-1"))
    body = response.json()
    assert response.status_code == 200
    assert body["is_new"] is True
    assert body["manifests"] == []  # the client then warns "module not added to root manifest"
    assert body["module_url"].endswith("/modules/bob/foo")
    alice, bob = Package.objects.order_by("author__username")
    assert (alice.in_root_manifest, bob.in_root_manifest) == (True, False)
    assert body["module"]["id"] == bob.pk


def test_a_name_held_by_a_luanti_mod_does_not_block_the_root_manifest(user, secret, upload):
    from tests.factories import PackageFactory

    PackageFactory(author=UserFactory(username="carol"), name="foo")
    assert upload(secret, rockspec_text("foo", "1.0-1")).json()["manifests"] == ROOT


def test_uploading_to_a_rock_someone_else_holds_root_for_keeps_it_there(secret, upload):
    RockFactory(author=UserFactory(username="carol"), name="foo", in_root_manifest=True)
    assert upload(secret, rockspec_text("foo", "1.0-1")).json()["manifests"] == []


def test_upload_without_the_file_field_is_refused(client, secret):
    before = Snapshot()
    response = client.post(
        f"/api/1/{secret}/upload", {"rockspec": SimpleUploadedFile("foo-1.0-1.rockspec", b"")}
    )
    assert response.status_code == 400
    assert response.json() == {"errors": ["Missing file: rockspec_file"]}
    before.assert_unchanged()


def test_upload_with_a_non_multipart_body_is_refused(client, secret):
    response = client.post(
        f"/api/1/{secret}/upload", data=rockspec_text(), content_type="application/octet-stream"
    )
    assert response.status_code == 400
    assert response.json() == {"errors": ["Missing file: rockspec_file"]}


def test_banned_user_may_not_upload(user, secret, upload):
    user.rank = Rank.BANNED
    user.save()
    before = Snapshot()
    response = upload(secret, rockspec_text())
    assert response.status_code == 403
    assert response.json() == {"errors": ["Your account may not upload rocks"]}
    before.assert_unchanged()


def test_upload_to_a_rock_deleted_by_moderation_is_refused(user, secret, upload):
    RockFactory(author=user, name="foo", state=PackageState.DELETED)
    before = Snapshot()
    response = upload(secret, rockspec_text())
    assert response.status_code == 403
    assert response.json() == {"errors": ["Module foo was deleted; ask a moderator to restore it"]}
    before.assert_unchanged()


def test_the_key_counts_only_successful_uploads(secret, upload):
    upload(secret, b"package = ")
    upload(secret, rockspec_text())
    assert ApiKey.objects.get().actions == 1


def test_keys_of_other_users_upload_into_their_own_namespace(user, other_user, upload):
    _, first = create_api_key(user=user)
    _, second = create_api_key(user=other_user)
    upload(first, rockspec_text())
    upload(second, rockspec_text())
    assert sorted(Package.objects.values_list("author__username", flat=True)) == ["alice", "bob"]


def test_keys_in_logged_paths_are_redacted(client, secret, caplog):
    unknown = "B" * 40
    with caplog.at_level("INFO"):
        client.get(f"/api/1/{unknown}/status")
        client.get(f"/api/1/{secret}/check_rockspec")  # a 400 for the real key
    assert "Unauthorized: /api/1/<key>/status" in caplog.text
    assert "Bad Request: /api/1/<key>/check_rockspec" in caplog.text
    assert unknown not in caplog.text and secret not in caplog.text


def generations(user) -> list[int]:
    from media_tools.generations import generation
    from packages.invalidation import ROOT_MANIFESTS, user_manifests

    return [generation(ROOT_MANIFESTS), generation(user_manifests(user.pk))]


def test_manifests_are_invalidated_only_when_their_content_changes(user, secret, upload):
    start = generations(user)
    upload(secret, rockspec_text("Foo", "1.0-1"))  # new module
    assert generations(user) == [g + 1 for g in start]
    start = generations(user)
    upload(secret, rockspec_text("Foo", "1.0-1"))  # same version again: same manifest entries
    assert generations(user) == start
    upload(secret, rockspec_text("Foo", "1.0-1", dependencies='{ "lua >= 5.3" }'))
    assert generations(user) == [g + 1 for g in start]  # the lua constraint filters manifests
    start = generations(user)
    upload(secret, rockspec_text("Foo", "1.1-1"))  # new version
    assert generations(user) == [g + 1 for g in start]


def test_refused_upload_invalidates_nothing(user, secret, upload):
    start = generations(user)
    upload(secret, b"while true do end")
    assert generations(user) == start


def test_upload_query_count_is_bounded(secret, upload, django_assert_max_num_queries):
    upload(secret, rockspec_text("Foo", "1.0-1"))
    with django_assert_max_num_queries(20):
        upload(secret, rockspec_text("Foo", "1.1-1", dependencies='{ "a", "b", "c", "d" }'))
