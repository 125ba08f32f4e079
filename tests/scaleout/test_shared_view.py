"""On Redis, each process's view of the generations and pointers (media_tools/shared_view.py): a
hot read asks Redis nothing, a bump reaches every process by pub/sub, and no value older than
CACHE_FRESHNESS_MS is trusted, so even a lost message costs at most that bound."""

import os
import time
import uuid

import pytest

from media_tools import shared_view
from media_tools.generations import bump, generation, generation_key
from tests.scaleout.test_replay import _keep_the_test_connection, call  # noqa: F401 - fixture

REDIS_URL = os.environ.get("SHARED_VIEW_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"needs Redis at {REDIS_URL}")


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis (this test's own key prefix), CACHE_FRESHNESS_MS one minute:
    long enough that nothing here depends on the machine's speed; the tests move the view's clock."""
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    settings.CACHE_FRESHNESS_MS = 60_000
    raw = redis.Redis.from_url(REDIS_URL)
    shared_view.view.get_many([])  # the subscriber starts, and empties the view once subscribed
    assert shared_view.view.subscribed.wait(30)
    yield raw
    shared_view.view.reset()
    for key in raw.scan_iter(match=f"{prefix}:*"):
        raw.delete(key)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = 1000.0

    monkeypatch.setattr(shared_view, "_now", lambda: Clock.now)
    return Clock


@pytest.fixture
def redis_reads(monkeypatch):
    """Every read the Redis cache backend is asked for."""
    from django.core.cache.backends.redis import RedisCache

    seen: list[str] = []
    for name in ("get", "get_many"):
        original = getattr(RedisCache, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            seen.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(RedisCache, name, spy)
    return seen


def test_a_hot_read_asks_redis_nothing(redis_cache, mod_package, redis_reads):
    first = call("/api/packages/", "type=mod")
    assert first[0] == "200 OK"
    call("/api/packages/", "type=mod")  # replayed from now on
    redis_reads.clear()
    for _ in range(3):
        assert call("/api/packages/", "type=mod") == first
    assert redis_reads == []


def test_a_hot_manifest_asks_redis_nothing(redis_cache, user, redis_reads):
    from tests.luarocks.rockdata import publish

    publish(user, "etlua", "1.0-1")
    first = call("/manifest-5.1")
    assert first[0] == "200 OK" and b"etlua" in first[2]
    call("/manifest-5.1")
    redis_reads.clear()
    assert call("/manifest-5.1") == first
    assert redis_reads == []


def test_a_bump_published_elsewhere_reaches_the_view(redis_cache, clock):
    before = generation("luanti")
    full_key = f"{_prefix()}:1:{generation_key('luanti')}"
    newer = redis_cache.incr(full_key)  # another server's bump, and its message
    redis_cache.publish(shared_view.channel(), f"{generation_key('luanti')} {newer}")
    deadline = time.monotonic() + 30  # a bound for a loaded machine, not a speed test
    while generation("luanti") != newer:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert newer == before + 1


def test_a_lost_message_costs_at_most_the_bound(redis_cache, clock, settings):
    before = generation("luanti")
    full_key = f"{_prefix()}:1:{generation_key('luanti')}"
    newer = redis_cache.incr(full_key)  # a bump whose message never arrives
    clock.now += 59.9
    assert generation("luanti") == before  # trusted: read less than a minute ago
    clock.now += 0.2
    assert generation("luanti") == newer  # older than CACHE_FRESHNESS_MS: read again


def test_the_writing_process_sees_its_own_bump_at_once(
    redis_cache, clock, db, django_capture_on_commit_callbacks
):
    before = generation("luanti")
    with django_capture_on_commit_callbacks(execute=True):
        bump("luanti")
    assert generation("luanti") == before + 1


def test_an_older_read_never_undoes_a_newer_generation(redis_cache, clock):
    key = generation_key("luanti")
    shared_view.view.remember(key, 10)
    shared_view.view.remember(key, 7)  # a slow read that started before the bump
    assert shared_view.view.get_many([key]) == {key: 10}
    shared_view.view.apply_message(f"{key} 12")
    assert shared_view.view.get_many([key]) == {key: 12}


def _prefix() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["KEY_PREFIX"]
