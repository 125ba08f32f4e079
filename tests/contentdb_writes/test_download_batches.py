"""Download counting off the request path (releases/download_counts.py): a download request writes
no row; the counts reach the database when the pending batch is flushed (`manage.py
flush_downloads`, the tasks, the per-process thread, a clean exit), once per address, package and
UTC day, and a second flush writes nothing."""

import io
import os
import runpy
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packages.models import Package, PackageDailyStats
from releases import download_counts
from releases.models import Release, ReleaseFile
from tests.contentdb_writes.test_downloads import LUANTI, download, release_zip

pytestmark = pytest.mark.django_db

WRITES = ("UPDATE", "INSERT", "DELETE")
ROOT = Path(__file__).resolve().parents[2]


def flush_command() -> str:
    out = io.StringIO()
    call_command("flush_downloads", stdout=out)
    return out.getvalue().strip()


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


def test_a_counted_download_writes_no_row_and_counts_after_the_flush(
    client, token, mod_package, clock
):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    with CaptureQueriesContext(connection) as queries:
        response = download(client, url, LUANTI, address="203.0.113.1", reason="new")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert writes(queries) == []
    assert Package.objects.get(pk=mod_package.pk).downloads == 0
    assert not PackageDailyStats.objects.exists()

    assert flush_command() == "Downloads written: 1"
    package = Package.objects.get(pk=mod_package.pk)
    assert (package.downloads, package.score_downloads, package.score) == (1, 1.0, 1.0)
    assert Release.objects.get(pk=release_id).downloads == 1
    row = PackageDailyStats.objects.get()
    assert (row.platform_minetest, row.reason_new) == (1, 1)


def test_the_flush_is_idempotent(client, token, mod_package, clock):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        download(client, url, LUANTI, address=address, reason="update")
    assert flush_command() == "Downloads written: 3"
    assert flush_command() == "Downloads written: 0"
    package = Package.objects.get(pk=mod_package.pk)
    assert (package.downloads, package.score_downloads) == (3, 1.5)
    assert PackageDailyStats.objects.get().reason_update == 3


def test_repeats_are_not_pending_either(client, token, mod_package, clock):
    """The once-a-day rule runs before anything is counted: twenty fetches, one pending count."""
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    for _ in range(20):
        download(client, url, LUANTI, address="203.0.113.9", reason="new")
    assert flush_command() == "Downloads written: 1"
    assert ReleaseFile.objects.get(release_id=release_id).downloads == 1


def test_a_rock_download_writes_no_row_either(client, user, clock):
    from tests.luarocks.rockdata import publish

    publish(user, "etlua", "1.2.0-1", rocks=("src",))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/etlua-1.2.0-1.src.rock", HTTP_USER_AGENT="LuaRocks/3.9.2 linux-x86_64 via curl"
        )
    assert response.status_code == 200
    assert writes(queries) == []
    assert flush_command() == "Downloads written: 1"
    assert Package.objects.get(name="etlua").downloads == 1


def test_the_flush_task_and_a_batch_for_a_deleted_package(client, token, mod_package, clock):
    """The task backend applies a batch (the immediate one in tests); counts of rows deleted since
    are skipped, the rest of the batch is written."""
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    download(client, url, LUANTI, address="203.0.113.1", reason="new")
    pending = download_counts._buffer.take()
    gone = {"f:999999": 4, f"d:999999:{clock.now.date().isoformat()}:reason_new": 4}
    result = download_counts.apply_download_counts.enqueue({**pending, **gone})
    assert result.return_value == 1
    assert Package.objects.get(pk=mod_package.pk).downloads == 1
    assert download_counts.flush_downloads_task.enqueue().return_value == 0


def test_a_failed_flush_keeps_the_counts(client, token, mod_package, clock, monkeypatch):
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    download(client, url, LUANTI, address="203.0.113.1", reason="new")

    def broken(counts):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(download_counts, "apply_counts", broken)
    with pytest.raises(RuntimeError):
        download_counts.flush_downloads()
    monkeypatch.undo()
    assert download_counts.flush_downloads() == 1
    assert Package.objects.get(pk=mod_package.pk).downloads == 1


def test_what_a_process_holds_is_written_at_exit(client, token, mod_package, clock):
    """`atexit` (and gunicorn's worker_exit hook, gunicorn.conf.py) call flush_at_exit."""
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    download(client, url, LUANTI, address="203.0.113.1", reason="new")
    download_counts.flush_at_exit()
    assert Package.objects.get(pk=mod_package.pk).downloads == 1

    download(client, url, LUANTI, address="203.0.113.2", reason="new")
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hooks["worker_exit"](None, None)
    assert Package.objects.get(pk=mod_package.pk).downloads == 2


REDIS_URL = os.environ.get("DOWNLOADS_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_answers(), reason=f"needs Redis at {REDIS_URL}")
def test_with_a_redis_counter_store_the_counts_wait_in_redis(
    client, token, mod_package, clock, settings
):
    """COUNTERS_CACHE_URL on Redis: the request adds to one shared hash (HINCRBY), any process's
    flush takes it whole, and no per-process buffer holds anything."""
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's own keys
        },
    }
    for address in ("203.0.113.1", "203.0.113.2"):
        with CaptureQueriesContext(connection) as queries:
            download(client, url, LUANTI, address=address, reason="new")
        assert writes(queries) == []
    assert download_counts._buffer.take() == {}
    client_, key = download_counts._redis_store()
    assert int(client_.hget(key, f"f:{ReleaseFile.objects.get().pk}")) == 2
    assert flush_command() == "Downloads written: 2"
    assert not client_.exists(key)
    assert flush_command() == "Downloads written: 0"
    assert Package.objects.get(pk=mod_package.pk).downloads == 2
    assert PackageDailyStats.objects.get().platform_minetest == 2


def test_an_unreachable_redis_never_fails_a_download(
    client, token, mod_package, clock, settings, monkeypatch
):
    """The counter store's Redis is down: the download is served and its count kept in the
    process, written by the next flush once the database can be reached."""
    release_id, _ = release_zip(client, token)
    url = f"/packages/alice/farming/releases/{release_id}/download/"
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/5",  # nothing listens there
        },
    }
    # the once-a-day mark lives in the counter store too (its own path): let it through here
    from releases import downloads

    monkeypatch.setattr(downloads, "is_first_download_today", lambda **kwargs: True)
    response = download(client, url, LUANTI, address="203.0.113.1", reason="new")
    assert response.status_code == 200
    assert download_counts._buffer.take() == {
        f"f:{ReleaseFile.objects.get().pk}": 1,
        f"d:{mod_package.pk}:{clock.now.date().isoformat()}:platform_minetest": 1,
        f"d:{mod_package.pk}:{clock.now.date().isoformat()}:reason_new": 1,
    }
