"""Rockspec and rock downloads: exact bytes, headers, HEAD/304, scopes, freshness and counting."""

import pytest
from django.test import TestCase

from packages.models import Package
from releases.download_counts import flush_downloads
from releases.downloads import add_download
from releases.models import FileKind, Release, ReleaseFile
from releases.uploads import upload_rockspec
from tests.factories import UserFactory
from tests.luarocks.rockdata import publish, rockspec

LUAROCKS_UA = "LuaRocks/3.8.0 linux-x86_64 via LuaSocket"
FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def etlua(user):
    return publish(user, "etlua", "1.2.0-1", rocks=("src", "all"))


def test_rockspec_is_served_with_the_exact_uploaded_bytes(client, user, etlua):
    response = client.get("/etlua-1.2.0-1.rockspec")
    assert response.status_code == 200
    assert body(response) == rockspec("etlua", "1.2.0-1")
    assert response["Content-Type"] == "text/x-rockspec"
    assert response["Content-Length"] == str(len(rockspec("etlua", "1.2.0-1")))
    assert response["ETag"] and response["Last-Modified"]


@pytest.mark.parametrize(
    "url",
    [
        "/etlua-1.2.0-1.src.rock",
        "/dev/etlua-1.2.0-1.src.rock",
        "/manifests/alice/etlua-1.2.0-1.src.rock",
        "/manifests/ALICE/etlua-1.2.0-1.src.rock",
    ],
)
def test_rocks_are_served_at_the_root_under_dev_and_under_the_owner(client, etlua, url):
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == b"rock etlua 1.2.0-1 src"
    assert response["Content-Type"] == "application/x-rock"


@pytest.mark.parametrize(
    "url",
    [
        "/etlua-1.2.0-1.linux-x86_64.rock",  # no such arch
        "/etlua-9.9-1.rockspec",
        "/ETLUA-1.2.0-1.rockspec",  # the client asks with the manifest's lowercase name
        "/etlua-1.2.0-1.rockspec.rock",
        "/etlua-1.2.0-1.rock",
        "/manifests/bob/etlua-1.2.0-1.rockspec",
        "/manifests/nobody/etlua-1.2.0-1.rockspec",
        "/other/etlua-1.2.0-1.rockspec",
    ],
)
def test_unknown_files_are_404(client, etlua, other_user, url):
    assert client.get(url).status_code == 404


def test_root_files_belong_to_the_root_manifest_owner(client, user):
    bob = UserFactory(username="bob")
    publish(user, "twin", "1.0-1", summary="alice's")
    publish(bob, "twin", "1.0-1", summary="bob's")
    assert b"alice's" in body(client.get("/twin-1.0-1.rockspec"))
    assert b"bob's" in body(client.get("/manifests/bob/twin-1.0-1.rockspec"))


def test_original_version_case_is_kept_in_file_names(client, user):
    publish(user, "Cased", "1.0RC1-1")
    assert client.get("/cased-1.0RC1-1.rockspec").status_code == 200
    assert client.get("/manifest-5.1.json").json()["repository"] == {
        "cased": {"1.0RC1-1": [{"arch": "rockspec"}]}
    }


def test_head_has_the_get_headers_and_counts_nothing(client, etlua):
    url = "/etlua-1.2.0-1.all.rock"
    get = client.get(url, headers={"User-Agent": LUAROCKS_UA})
    head = client.head(url, headers={"User-Agent": LUAROCKS_UA})
    assert head.status_code == 200
    assert body(head) == b""
    for header in [
        "Content-Type",
        "Content-Length",
        "ETag",
        "Last-Modified",
        "Content-Disposition",
    ]:
        assert head[header] == get[header], header
    flush_downloads()
    assert ReleaseFile.objects.get(arch="all").downloads == 1  # the GET only


def test_conditional_get_is_answered_with_304(client, etlua):
    first = client.get("/etlua-1.2.0-1.rockspec")
    assert (
        client.get("/etlua-1.2.0-1.rockspec", headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )
    assert (
        client.get(
            "/etlua-1.2.0-1.rockspec", headers={"If-Modified-Since": first["Last-Modified"]}
        ).status_code
        == 304
    )


def test_reuploaded_rockspec_is_served_fresh_at_once(client, user, etlua):
    first = client.get("/etlua-1.2.0-1.rockspec")
    new_content = rockspec("etlua", "1.2.0-1", summary="fixed summary")
    with TestCase.captureOnCommitCallbacks(execute=True):
        upload_rockspec(by=user, filename="etlua-1.2.0-1.rockspec", content=new_content)
    second = client.get("/etlua-1.2.0-1.rockspec")
    assert body(second) == new_content
    assert second["ETag"] != first["ETag"]
    stale = client.get("/etlua-1.2.0-1.rockspec", headers={"If-None-Match": first["ETag"]})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("agent", "counted"),
    [
        (LUAROCKS_UA, True),
        ("LuaRocks/3.8.0 linux-x86_64 via wget", True),
        ("LuaRocks/3.8.0 linux-x86_64 via curl", True),
        ("LuaSocket 3.0.0", True),
        ("curl/8.5.0", True),
        ("Wget/1.21.3", True),
        (FIREFOX_UA, False),
        ("", False),
    ],
)
def test_downloads_are_counted_by_user_agent(client, etlua, agent, counted):
    client.get("/etlua-1.2.0-1.src.rock", headers={"User-Agent": agent}, REMOTE_ADDR="10.0.0.1")
    client.get("/etlua-1.2.0-1.rockspec", headers={"User-Agent": agent}, REMOTE_ADDR="10.0.0.2")
    expected = 1 if counted else 0
    flush_downloads()
    assert ReleaseFile.objects.get(arch="src").downloads == expected
    assert ReleaseFile.objects.get(kind=FileKind.ROCKSPEC).downloads == expected
    assert ReleaseFile.objects.get(arch="all").downloads == 0
    assert Release.objects.get().downloads == 2 * expected
    assert Package.objects.get().downloads == 2 * expected


def counts() -> tuple[int, int, int, int]:
    flush_downloads()
    return (
        Package.objects.get().downloads,
        Release.objects.get().downloads,
        ReleaseFile.objects.get(arch="src").downloads,
        ReleaseFile.objects.get(kind=FileKind.ROCKSPEC).downloads,
    )


def fetch(client, path: str, address: str):
    response = client.get(path, headers={"User-Agent": LUAROCKS_UA}, REMOTE_ADDR=address)
    assert response.status_code == 200
    return response


def test_twenty_fetches_from_one_address_count_once(client, etlua, clock):
    for _ in range(20):
        assert body(fetch(client, "/etlua-1.2.0-1.src.rock", "203.0.113.7"))
    assert counts() == (1, 1, 1, 0)


def test_one_address_counts_once_per_package_whatever_the_file(client, etlua, clock):
    """Per package, not per file: fetching every file of every version would otherwise add one
    per file to the package's total (the number rankings read)."""
    for path in (
        "/etlua-1.2.0-1.src.rock",
        "/etlua-1.2.0-1.rockspec",
        "/dev/etlua-1.2.0-1.src.rock",
    ):
        fetch(client, path, "203.0.113.7")
    assert counts() == (1, 1, 1, 0)


def test_two_addresses_count_twice_and_the_next_day_again(client, etlua, clock):
    from datetime import timedelta

    fetch(client, "/etlua-1.2.0-1.src.rock", "203.0.113.7")
    fetch(client, "/manifests/alice/etlua-1.2.0-1.src.rock", "2001:db8::7")
    fetch(client, "/etlua-1.2.0-1.src.rock", "2001:db8::7")
    assert counts() == (2, 2, 2, 0)
    clock.now += timedelta(days=1)
    fetch(client, "/etlua-1.2.0-1.src.rock", "203.0.113.7")
    assert counts() == (3, 3, 3, 0)


def test_a_304_is_not_a_download(client, etlua):
    first = client.get("/etlua-1.2.0-1.rockspec", headers={"User-Agent": LUAROCKS_UA})
    client.get(
        "/etlua-1.2.0-1.rockspec",
        headers={"User-Agent": LUAROCKS_UA, "If-None-Match": first["ETag"]},
    )
    flush_downloads()
    assert Release.objects.get().downloads == 1


def test_add_download_adds_one_to_file_release_and_package(etlua):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rock = etlua.release.files.get(arch="src")
    with CaptureQueriesContext(connection) as queries:
        add_download(release_file=rock)
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # the file's release and package, then three F() updates, nothing locked first
    assert [s for s in statements if s not in {"SAVEPOINT", "RELEASE"}] == ["SELECT"] + [
        "UPDATE"
    ] * 3
    add_download(release_file=rock)
    rock.refresh_from_db()
    assert rock.downloads == 2
    assert Release.objects.get().downloads == 2
    assert Package.objects.get().downloads == 2


def test_serving_a_file_costs_few_queries(client, etlua, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get("/etlua-1.2.0-1.rockspec", headers={"User-Agent": FIREFOX_UA})
    with django_assert_max_num_queries(2):  # the user, then the file
        client.get("/manifests/alice/etlua-1.2.0-1.rockspec", headers={"User-Agent": FIREFOX_UA})
    # a counted download adds the three F() updates (plus savepoint bookkeeping)
    with django_assert_max_num_queries(6):
        client.get("/etlua-1.2.0-1.rockspec", headers={"User-Agent": LUAROCKS_UA})


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_refused(client, etlua, method):
    assert getattr(client, method)("/etlua-1.2.0-1.rockspec").status_code == 405
