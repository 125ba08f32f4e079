"""Downloads count by reason and platform per UTC day, and feed the stats endpoint."""

import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from packages.models import Package, PackageDailyStats
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


def download(client, url: str, user_agent: str | None, **query):
    headers = {"HTTP_USER_AGENT": user_agent} if user_agent is not None else {}
    return client.get(url, query, **headers)


def today_stats() -> dict:
    row = PackageDailyStats.objects.get(date=timezone.now().date())
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
    assert not PackageDailyStats.objects.exists()
    assert Release.objects.get(pk=release_id).downloads == 0


@pytest.mark.django_db
def test_counts_show_in_the_stats_endpoint(client, token, mod_package):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    download(client, url, LUANTI, reason="new")
    download(client, url, LUANTI, reason="update")
    download(client, url, BROWSER)
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
