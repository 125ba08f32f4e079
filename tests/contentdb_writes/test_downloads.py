"""Downloads count by reason and platform per UTC day, and feed the stats endpoint."""

import itertools
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from packages.models import Package, PackageDailyStats
from releases.download_counts import flush_downloads
from releases.models import Release, ReleaseFile
from tests.contentdb_writes.support import mod_zip
from tests.factories import PackageFactory

LUANTI = "Luanti/5.10.0 (Linux/6.1.0-18-amd64 x86_64)"
MINETEST = "Minetest/5.6.1 (Linux/6.1.0 x86_64)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


def release_zip(client, token, *, title="1.0.0", conf="name = farming\n") -> tuple[int, bytes]:
    content = mod_zip(conf=conf)
    response = client.post(
        "/api/packages/alice/farming/releases/new/",
        {"title": title, "file": SimpleUploadedFile("farming.zip", content)},
        **token,
    )
    assert response.status_code == 200, response.content
    return response.json()["release"]["id"], content


_CLIENTS = itertools.count(1)  # next() on a count is atomic: threads may share it


def new_address() -> str:
    """A client address never used before in this run."""
    n = next(_CLIENTS)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def download(client, url: str, user_agent: str | None, *, address: str | None = None, **query):
    headers = {"HTTP_USER_AGENT": user_agent} if user_agent is not None else {}
    headers["REMOTE_ADDR"] = address or new_address()
    return client.get(url, query, **headers)


def flush() -> None:
    """The pending counts written, as the app servers do every few seconds (a download request
    writes no row: releases/download_counts.py)."""
    flush_downloads()


def today_stats(day=None) -> dict:
    flush()
    row = PackageDailyStats.objects.get(date=day or timezone.now().date())
    return {
        key: getattr(row, key)
        for key in (
            "platform_minetest",
            "platform_other",
            "reason_new",
            "reason_update",
            "reason_dependency",
        )
    }


@pytest.mark.django_db
def test_each_download_counts_by_reason_and_platform(client, token, mod_package):
    release_id, content = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    response = download(client, url, LUANTI, reason="new")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content) == content
    download(client, url, MINETEST, reason="update")
    download(client, url, BROWSER, reason="dependency")
    download(client, url, BROWSER, reason="because")  # no such reason: platform only
    assert Release.objects.get(pk=release_id).downloads == 0  # pending until the flush
    assert today_stats() == {
        "platform_minetest": 2,
        "platform_other": 2,
        "reason_new": 1,
        "reason_update": 1,
        "reason_dependency": 1,
    }
    assert Release.objects.get(pk=release_id).downloads == 4
    assert ReleaseFile.objects.get(release_id=release_id).downloads == 4
    assert Package.objects.get(pk=mod_package.pk).downloads == 4


@pytest.mark.django_db
def test_bots_and_head_requests_are_not_counted(client, token, mod_package):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    assert download(client, url, None, reason="new").status_code == 200
    assert client.head(url, HTTP_USER_AGENT=LUANTI).status_code == 200
    flush()
    assert not PackageDailyStats.objects.exists()
    assert Release.objects.get(pk=release_id).downloads == 0


@pytest.mark.django_db
def test_counts_show_in_the_stats_endpoint(client, token, mod_package):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    download(client, url, LUANTI, reason="new")
    download(client, url, LUANTI, reason="update")
    download(client, url, BROWSER)
    flush()
    stats = client.get("/api/packages/alice/farming/stats/").json()
    today = timezone.now().date().isoformat()
    assert (stats["start"], stats["end"]) == (today, today)
    assert stats["platform_minetest"] == [2]
    assert stats["platform_other"] == [1]
    assert stats["reason_new"] == [1]
    assert stats["reason_update"] == [1]
    assert stats["reason_dependency"] == [0]


@pytest.mark.django_db
def test_package_download_picks_the_newest_release_for_the_clients_version(
    client, token, mod_package
):
    old_id, old = release_zip(
        client, token, title="1.0.0", conf="name = farming\nmax_minetest_version = 5.9\n"
    )
    new_id, new = release_zip(
        client, token, title="2.0.0", conf="name = farming\nmin_minetest_version = 5.10\n"
    )
    url = "/packages/alice/farming/download/"
    answer = download(
        client, url, MINETEST, reason="new", protocol_version="41", engine_version="5.6.1"
    )
    assert b"".join(answer.streaming_content) == old
    answer = download(
        client, url, LUANTI, reason="new", protocol_version="46", engine_version="5.10.0"
    )
    assert b"".join(answer.streaming_content) == new
    answer = download(client, url, LUANTI)
    assert b"".join(answer.streaming_content) == new
    flush()
    assert Release.objects.get(pk=old_id).downloads == 1
    assert Release.objects.get(pk=new_id).downloads == 2


@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    # decided before the test runs, so a skipped transactional test flushes nothing either
    reason="the in-memory SQLite test database locks whole tables across threads; run on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_lose_no_count(user, token):
    # no license rows: an earlier transactional test may have flushed the reference data
    mod_package = PackageFactory(author=user, name="farming", license=None, media_license=None)
    release_id, _ = release_zip(Client(), token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    threads, per_thread, errors = 6, 10, []

    def worker(reason: str) -> None:
        try:
            own = Client()
            for _ in range(per_thread):
                response = download(own, url, LUANTI, reason=reason)
                b"".join(response.streaming_content)
                assert response.status_code == 200
        except Exception as error:  # reported below: a thread's assert does not fail the test
            errors.append(error)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=worker, args=(("new", "update")[n % 2],)) for n in range(threads)
    ]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    total = threads * per_thread
    assert today_stats() == {
        "platform_minetest": total,
        "platform_other": 0,
        "reason_new": total // 2,
        "reason_update": total // 2,
        "reason_dependency": 0,
    }
    assert Package.objects.get(pk=mod_package.pk).downloads == total


# --- once per client address per package per UTC day (docs/security.md, "Ranking fraud") ------


def package_counts(package) -> tuple[int, int, int, float, float]:
    flush()
    package.refresh_from_db()
    release = Release.objects.get(package=package)
    return (
        package.downloads,
        release.downloads,
        ReleaseFile.objects.get(release=release).downloads,
        package.score_downloads,
        package.score,
    )


@pytest.mark.django_db
def test_twenty_downloads_from_one_address_count_once(client, token, mod_package, clock):
    release_id, content = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    for _ in range(20):
        response = download(client, url, LUANTI, address="203.0.113.7", reason="new")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content  # every one is served
    assert package_counts(mod_package) == (1, 1, 1, 1.0, 1.0)
    assert today_stats() == {
        "platform_minetest": 1,
        "platform_other": 0,
        "reason_new": 1,
        "reason_update": 0,
        "reason_dependency": 0,
    }
    stats = client.get("/api/packages/alice/farming/stats/").json()
    assert (stats["platform_minetest"], stats["reason_new"]) == ([1], [1])


@pytest.mark.django_db
def test_the_latest_release_route_counts_once_too(client, token, mod_package, clock):
    release_zip(client, token)
    for _ in range(5):
        download(client, "/packages/alice/farming/download/", LUANTI, address="203.0.113.7")
    assert package_counts(mod_package)[:3] == (1, 1, 1)


@pytest.mark.django_db
def test_two_addresses_count_twice(client, token, mod_package, clock):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    for address in ("203.0.113.7", "2001:db8::7", "203.0.113.7", "2001:db8::7"):
        download(client, url, LUANTI, address=address, reason="new")
    assert package_counts(mod_package) == (2, 2, 2, 2.0, 2.0)
    assert today_stats()["platform_minetest"] == 2


@pytest.mark.django_db
def test_the_same_address_counts_again_the_next_day(client, token, mod_package, clock):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    first_day = clock.now.date()
    download(client, url, LUANTI, address="203.0.113.7", reason="new")
    clock.now += timedelta(hours=11, minutes=59)  # 23:59 the same UTC day
    download(client, url, LUANTI, address="203.0.113.7", reason="new")
    clock.now += timedelta(minutes=2)  # 00:01 the next day
    download(client, url, LUANTI, address="203.0.113.7", reason="new")
    download(client, url, LUANTI, address="203.0.113.7", reason="new")
    assert package_counts(mod_package) == (2, 2, 2, 2.0, 2.0)
    assert today_stats(first_day)["platform_minetest"] == 1
    assert today_stats(clock.now.date())["platform_minetest"] == 1


@pytest.mark.django_db
def test_the_address_is_the_trusted_proxy_header_when_one_is_set(
    client, token, mod_package, clock, settings
):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    for real_ip in ("203.0.113.7", "203.0.113.8", "203.0.113.7"):  # all through one proxy
        client.get(url, HTTP_USER_AGENT=LUANTI, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=real_ip)
    assert package_counts(mod_package)[:3] == (2, 2, 2)


@pytest.mark.django_db
def test_client_addresses_are_not_kept_in_the_clear(client, token, mod_package, clock):
    from django.conf import settings

    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    download(client, url, LUANTI, address="203.0.113.77")
    assert package_counts(mod_package)[0] == 1
    # every byte the caches keep on disk (both stores, their databases and value files)
    folders = {Path(settings.CACHES[alias]["LOCATION"]) for alias in ("default", "counters")}
    stored = b"".join(
        path.read_bytes() for folder in folders for path in folder.rglob("*") if path.is_file()
    )
    assert stored and b"203.0.113.77" not in stored
