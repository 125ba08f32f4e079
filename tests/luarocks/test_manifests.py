"""Manifests over HTTP: membership (root, dev, per user), Lua-version filtering, formats, HEAD/304,
caching and invalidation, and that the real client's loader and type check accept what we emit."""

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.test import TestCase

from releases.deletion import delete_rock, delete_rock_version
from releases.models import Release
from tests.factories import UserFactory
from tests.luarocks.rockdata import publish

LUA_VERSIONS = ["5.1", "5.2", "5.3", "5.4", "5.5"]
ALL_ROOT_URLS = (
    ["/manifest", "/dev/manifest"]
    + [f"/manifest-{v}" for v in LUA_VERSIONS]
    + [f"/dev/manifest-{v}" for v in LUA_VERSIONS]
)
CHECKER = Path(__file__).with_name("check_manifest.lua")
needs_lua = pytest.mark.skipif(shutil.which("lua5.1") is None, reason="lua5.1 missing")


def client_view(lua_text: bytes, tmp_path: Path) -> list[str]:
    """What luarocks 3.8 itself reads from a manifest: `name\\tversion\\tarches` lines."""
    path = tmp_path / "manifest"
    path.write_bytes(lua_text)
    result = subprocess.run(
        ["lua5.1", str(CHECKER), str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def repository(client, url: str) -> dict:
    """The manifest's repository table, read through its JSON twin."""
    response = client.get(url + ".json")
    assert response.status_code == 200
    return response.json()["repository"]


@pytest.mark.parametrize("url", ALL_ROOT_URLS)
def test_empty_registry_serves_three_empty_tables_in_every_format(client, url, db):
    lua = client.get(url)
    assert lua.status_code == 200
    assert lua["Content-Type"] == "text/x-lua; charset=utf-8"
    assert lua.content == b"commands = {}\nmodules = {}\nrepository = {\n}\n"

    zipped = client.get(url + ".zip")
    assert zipped["Content-Type"] == "application/zip"
    assert zipped.content[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
        # the client reads the file named like the URL minus `.zip`
        assert zf.namelist() == [url.rsplit("/", 1)[1]]
        assert zf.read(zf.namelist()[0]) == lua.content

    as_json = client.get(url + ".json")
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json() == {"repository": {}, "commands": {}, "modules": {}}


@needs_lua
def test_manifest_lists_rockspec_then_rocks_and_the_client_accepts_it(client, user, tmp_path):
    publish(user, "etlua", "1.2.0-1", rocks=("src", "linux-x86_64"))
    publish(user, "etlua", "1.3.0-1")
    for url in ["/manifest", "/manifest-5.1"]:
        assert client_view(client.get(url).content, tmp_path) == [
            "etlua\t1.2.0-1\trockspec,linux-x86_64,src",
            "etlua\t1.3.0-1\trockspec",
        ]
    assert repository(client, "/manifest-5.1") == {
        "etlua": {
            "1.3.0-1": [{"arch": "rockspec"}],
            "1.2.0-1": [{"arch": "rockspec"}, {"arch": "linux-x86_64"}, {"arch": "src"}],
        }
    }


@needs_lua
def test_hostile_names_and_summaries_still_give_a_manifest_lua_loads(client, user, tmp_path):
    publish(user, "end", "1.0-1", summary='He said "hi" \\ and left')
    publish(user, "nil", "2.0-1", rocks=("all",))
    publish(user, "goto", "1.0-1", summary="]] line\nbreak")
    lines = client_view(client.get("/manifest-5.1").content, tmp_path)
    assert lines == ["end\t1.0-1\trockspec", "goto\t1.0-1\trockspec", "nil\t2.0-1\trockspec,all"]


def test_stable_version_without_lua_dependency_is_in_every_root_manifest(client, user):
    publish(user, "plain", "1.0-1")
    for url in ["/manifest"] + [f"/manifest-{v}" for v in LUA_VERSIONS]:
        assert repository(client, url) == {"plain": {"1.0-1": [{"arch": "rockspec"}]}}
    assert repository(client, "/dev/manifest") == {}
    assert repository(client, "/dev/manifest-5.1") == {}


@pytest.mark.parametrize(
    ("dependency", "listed_in"),
    [
        ("lua >= 5.1, < 5.2", {"5.1"}),
        ("lua >= 5.1, < 5.4", {"5.1", "5.2", "5.3"}),
        ("lua ~> 5.3", {"5.3"}),
        ("lua == 5.2", {"5.2"}),
        ("lua >= 5.4", {"5.4", "5.5"}),
        ("lua ~> 5.1.0", {"5.1"}),  # padded with zeros like the client, no IndexError
        ("lua == 5.3-1", {"5.3"}),  # a revision on one side only is ignored
        ("lua >> 5.1", set()),  # the client cannot parse it: in no versioned manifest
    ],
)
def test_lua_dependency_filters_versioned_manifests_only(client, user, dependency, listed_in):
    publish(user, "picky", "1.0-1", lua=dependency)
    for lua in LUA_VERSIONS:
        listed = "picky" in repository(client, f"/manifest-{lua}")
        assert listed == (lua in listed_in), lua
    assert "picky" in repository(client, "/manifest")  # the unversioned manifest is unfiltered
    in_user_manifest = "picky" in repository(client, f"/manifests/{user.username}/manifest-5.1")
    assert in_user_manifest == ("5.1" in listed_in)


def test_an_unparsable_lua_dependency_leaves_the_rest_of_the_manifest(client, user):
    publish(user, "broken", "1.0-1", lua="lua >> 5.1")
    publish(user, "padded", "1.0-1", lua="lua ~> 5.1.0")
    publish(user, "plain", "1.0-1")
    assert sorted(repository(client, "/manifest-5.1")) == ["padded", "plain"]
    assert sorted(repository(client, "/manifest-5.2")) == ["plain"]


def test_development_versions_only_in_dev_and_user_manifests(client, user):
    publish(user, "edge", "1.0-1")
    publish(user, "edge", "scm-1")
    publish(user, "edge", "dev-1")
    stable = {"1.0-1": [{"arch": "rockspec"}]}
    development = {"scm-1": [{"arch": "rockspec"}], "dev-1": [{"arch": "rockspec"}]}
    assert repository(client, "/manifest-5.1") == {"edge": stable}
    assert repository(client, "/manifest") == {"edge": stable}
    assert repository(client, "/dev/manifest-5.1") == {"edge": development}
    assert repository(client, "/dev/manifest") == {"edge": development}
    assert repository(client, f"/manifests/{user.username}/manifest-5.1") == {
        "edge": {**development, **stable}
    }


def test_user_manifest_serves_rocks_whose_name_another_user_holds_in_root(client, user):
    bob = UserFactory(username="Bob")
    publish(user, "shared", "1.0-1")
    publish(bob, "shared", "2.0-1")  # the name is alice's in root: bob's stays out of it
    assert repository(client, "/manifest-5.1") == {"shared": {"1.0-1": [{"arch": "rockspec"}]}}
    for name in ["Bob", "bob", "BOB"]:  # user names are case-insensitive
        assert repository(client, f"/manifests/{name}/manifest-5.1") == {
            "shared": {"2.0-1": [{"arch": "rockspec"}]}
        }


def test_archived_and_unapproved_versions_are_listed_nowhere(client, user):
    publish(user, "old", "1.0-1")
    publish(user, "old", "2.0-1")
    publish(user, "old", "3.0-1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        Release.objects.filter(name="1.0-1").update(is_archived=True)
        Release.objects.filter(name="2.0-1").update(approved=False)
        from packages.invalidation import invalidate_rock_manifests

        invalidate_rock_manifests(author_id=user.pk)
    for url in ["/manifest", "/manifest-5.1", f"/manifests/{user.username}/manifest"]:
        assert repository(client, url) == {"old": {"3.0-1": [{"arch": "rockspec"}]}}


def test_luanti_packages_never_appear(client, mod_package):
    from tests.factories import ReleaseFactory

    ReleaseFactory(package=mod_package, name="1.0-1")
    assert repository(client, "/manifest") == {}


@pytest.mark.parametrize(
    "url",
    [
        "/manifestfwafe",
        "/manifest/nope",
        "/manifest-4.0",
        "/manifest-5.6",
        "/manifest.wow",
        "/manifest-5.2.wow",
        "/manifest.zip.zip",
        "/dev/manifests",
        "/manifests/alice/manifestx",
        "/manifests/alice/manifest-5.2.wow",
        "/manifests/alice/dev/manifest",
        "/manifests/nobody/manifest",
        "/manifests/nobody/manifest-5.1.zip",
    ],
)
def test_unknown_manifest_urls_are_404(client, user, url):
    assert client.get(url).status_code == 404


def test_user_and_dev_roots_redirect_to_their_manifest(client, user):
    response = client.get("/manifests/ALICE")
    assert response.status_code == 302
    assert response["Location"] == "/manifests/alice/manifest"
    assert client.get("/dev")["Location"] == "/dev/manifest"
    assert client.get("/manifests/nobody").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/manifest", "/manifest-5.1.zip", "/dev/manifest-5.3.json", "/manifests/alice/manifest-5.4"],
)
def test_head_has_the_get_headers_and_no_body(client, user, url):
    publish(user, "headed", "1.0-1")
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    for header in ["Content-Type", "Content-Length", "ETag", "Last-Modified"]:
        assert head[header] == get[header], header
    assert int(get["Content-Length"]) == len(get.content)


def test_conditional_get_is_answered_with_304(client, user):
    publish(user, "cond", "1.0-1")
    first = client.get("/manifest-5.1.zip")
    by_etag = client.get("/manifest-5.1.zip", headers={"If-None-Match": first["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    since = client.get("/manifest-5.1.zip", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get("/manifest-5.1.zip", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_refused(client, db, method):
    assert getattr(client, method)("/manifest-5.1").status_code == 405


def test_gzip_variant_for_clients_that_ask(client, user):
    import gzip

    for n in range(30):
        publish(user, f"bulk{n}", "1.0-1")
    plain = client.get("/manifest-5.1")
    assert "Content-Encoding" not in plain  # luarocks sends no Accept-Encoding
    packed = client.get("/manifest-5.1", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"]


# --- caching --------------------------------------------------------------------------------------


def test_upload_changes_the_manifest_on_the_next_get(client, user):
    publish(user, "fresh", "1.0-1")
    before = client.get("/manifest-5.1")
    assert client.get("/manifest-5.1").content == before.content  # served from the cache
    publish(user, "fresh", "1.1-1")
    after = client.get("/manifest-5.1")
    assert b'"1.1-1"' in after.content
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]  # even within the same second
    assert client.head("/manifest-5.1")["Last-Modified"] == after["Last-Modified"]
    assert "1.1-1" in repository(client, f"/manifests/{user.username}/manifest")["fresh"]


def test_new_rock_arch_changes_the_manifest(client, user):
    publish(user, "archy", "1.0-1")
    assert repository(client, "/manifest-5.1")["archy"]["1.0-1"] == [{"arch": "rockspec"}]
    release = Release.objects.get(name="1.0-1")
    from releases.uploads import upload_rock

    with TestCase.captureOnCommitCallbacks(execute=True):
        upload_rock(by=user, release=release, filename="archy-1.0-1.all.rock", content=b"x")
    assert repository(client, "/manifest-5.1")["archy"]["1.0-1"] == [
        {"arch": "rockspec"},
        {"arch": "all"},
    ]


def test_a_write_to_one_users_rocks_leaves_other_user_manifests_cached(
    client, user, django_assert_num_queries
):
    bob = UserFactory(username="bob")
    publish(bob, "bobs", "1.0-1")
    client.get("/manifests/bob/manifest-5.1")
    publish(user, "alices", "1.0-1")
    with django_assert_num_queries(1):  # the user look-up only: bob's manifest is still cached
        client.get("/manifests/bob/manifest-5.1")


def test_a_flushed_shared_cache_never_lets_a_process_serve_its_old_copy(client, user):
    # generations restart at 1 after a flush: the process-local copy of "generation 1" must not
    # be taken for the new generation 1
    from django.core.cache import cache

    publish(user, "flush", "1.0-1")
    before = client.get("/manifest-5.1").content
    cache.clear()
    publish(user, "flush", "2.0-1")
    cache.clear()
    after = client.get("/manifest-5.1").content
    assert before != after
    assert b'"2.0-1"' in after


def test_cached_manifest_costs_no_query(client, user, django_assert_num_queries):
    publish(user, "cheap", "1.0-1")
    client.get("/manifest-5.1.zip")
    with django_assert_num_queries(0):
        assert client.get("/manifest-5.1.zip").status_code == 200
        assert client.head("/manifest-5.1.zip").status_code == 200


def test_building_a_manifest_costs_two_queries_whatever_its_size(
    client, user, django_assert_max_num_queries
):
    for n in range(12):
        publish(user, f"many{n}", "1.0-1", rocks=("src",))
        publish(user, f"many{n}", "scm-1")
    # the releases, then their files
    with django_assert_max_num_queries(2):
        assert len(repository(client, "/manifest-5.1")) == 12
    with django_assert_max_num_queries(2):
        assert len(repository(client, "/dev/manifest")) == 12
    with django_assert_max_num_queries(3):  # the user, then releases and files
        assert len(repository(client, "/manifests/alice/manifest-5.2")) == 12


# --- deletion -------------------------------------------------------------------------------------


def test_deleted_version_leaves_the_manifests_and_its_files_404(client, user):
    publish(user, "gone", "1.0-1", rocks=("src",))
    publish(user, "gone", "2.0-1")
    assert client.get("/gone-1.0-1.src.rock").status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock_version(by=user, release=Release.objects.get(name="1.0-1"))
    assert repository(client, "/manifest-5.1") == {"gone": {"2.0-1": [{"arch": "rockspec"}]}}
    assert client.get("/gone-1.0-1.src.rock").status_code == 404
    assert client.get("/gone-1.0-1.rockspec").status_code == 404
    assert client.get("/gone-2.0-1.rockspec").status_code == 200


def test_deleted_rock_leaves_every_manifest(client, user):
    result = publish(user, "whole", "1.0-1")
    publish(user, "whole", "scm-1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock(by=user, package=result.package)
    for url in ["/manifest-5.1", "/dev/manifest-5.1", "/manifests/alice/manifest"]:
        assert repository(client, url) == {}
    assert client.get("/whole-1.0-1.rockspec").status_code == 404


def test_empty_json_manifest_is_exactly_the_three_keys(client, db):
    assert json.loads(client.get("/manifest-5.1.json").content) == {
        "repository": {},
        "commands": {},
        "modules": {},
    }
