"""This process's view of the small shared cache values that prove a cached answer current (the
generations of media_tools.generations, the pointers of the cached bodies and manifests), so that a
hot read on Redis costs no network round trip.

Over Redis each hot request used to ask Redis for its proof (one `get_many`, ~100-200 µs on
loopback, as much as the rest of the request). Here each process keeps the values it read, and:

- Redis pub/sub: `bump` publishes each new generation on a channel of this cache; a daemon thread in
  every process subscribed to it applies it at once (typically well under a millisecond later);
- bounded staleness: a value read at time t is trusted only until t + CACHE_FRESHNESS_MS (1000 ms by
  default), then read again. A message can only make a value newer, never extend that time, so
  whatever happens to the messages (a lost connection, a writer that died between its INCR and its
  PUBLISH, a subscriber not yet started), a write committed on any server is seen by every process
  of every other server at most CACHE_FRESHNESS_MS later. The writing process sees its own writes
  at once (`remember`).

Generations only grow (media_tools.generations), so a generation's value is merged by maximum: a
slow read that returns an older number never undoes a message that brought a newer one.

Used only when the default cache is Redis and CACHE_FRESHNESS_MS > 0. The cache on disk (one
machine) is read directly: a read there is a local SQLite lookup, not a round trip, and every
process on the machine sees a write at once.
"""

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

GENERATION_PREFIX = "generation:"
_ABSENT = object()


def _now() -> float:
    return time.monotonic()


_settings: dict[str, Any] = {}  # read once per process (and again when a test changes them)


def freshness_seconds() -> float:
    if "freshness" not in _settings:
        _settings["freshness"] = float(getattr(settings, "CACHE_FRESHNESS_MS", 0) or 0) / 1000
    return _settings["freshness"]


def enabled() -> bool:
    if "enabled" not in _settings:
        backend = settings.CACHES["default"]["BACKEND"]
        _settings["enabled"] = freshness_seconds() > 0 and issubclass(
            import_string(backend), RedisCache
        )
    return _settings["enabled"]


def channel() -> str:
    """The pub/sub channel of this cache: channels are global to a Redis server, whatever the db,
    so the name holds a digest of the cache's location and key prefix."""
    options = settings.CACHES["default"]
    digest = hashlib.sha256(
        f"{options.get('LOCATION')}|{options.get('KEY_PREFIX', '')}".encode()
    ).hexdigest()[:16]
    return f"lua-registry:generations:{digest}"


class SharedView:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[Any, float]] = {}  # key -> (value or _ABSENT, read at)
        self.pid: int | None = None
        self.stop = threading.Event()
        self.subscribed = threading.Event()
        self.messages = 0

    # --- reads ------------------------------------------------------------------------------

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """Like `cache.get_many`: the present keys and their values, from this process's view
        where they are younger than the bound, else from the cache in one round trip."""
        self._ensure_subscriber()
        horizon = _now() - freshness_seconds()
        found: dict[str, Any] = {}
        missing = []
        with self.lock:
            for key in keys:
                entry = self.entries.get(key)
                if entry is not None and entry[1] > horizon:
                    if entry[0] is not _ABSENT:
                        found[key] = entry[0]
                else:
                    missing.append(key)
        if missing:
            read_at = _now()  # the values are at least as new as this instant
            values = cache.get_many(missing)
            for key in missing:
                found_value = self._merge(key, values.get(key, _ABSENT), read_at)
                if found_value is not _ABSENT:
                    found[key] = found_value
        return found

    def get(self, key: str) -> Any:
        return self.get_many([key]).get(key)

    # --- what this process learns -------------------------------------------------------------

    def remember(self, key: str, value: Any, *, read_at: float | None = None) -> None:
        """A value this process has just written (or read) itself."""
        self._merge(key, value, _now() if read_at is None else read_at)

    def _merge(self, key: str, value: Any, read_at: float) -> Any:
        with self.lock:
            old = self.entries.get(key)
            if old is not None and key.startswith(GENERATION_PREFIX):
                if old[0] is not _ABSENT and (value is _ABSENT or int(old[0]) > int(value)):
                    value = old[0]
                read_at = max(read_at, old[1])
            elif old is not None and old[1] > read_at:
                return old[0]  # a newer read or write of this key came first
            self.entries[key] = (value, read_at)
            return value

    def apply_message(self, data: bytes | str) -> None:
        """`<generation key> <value>` published by a bump: a newer value, same trust horizon."""
        text = data.decode() if isinstance(data, bytes) else data
        key, _, value = text.rpartition(" ")
        if not key.startswith(GENERATION_PREFIX):
            return
        with self.lock:
            self.messages += 1
            old = self.entries.get(key)
            if old is None:
                return  # never read here: the next read asks the cache anyway
            if old[0] is _ABSENT or int(value) > int(old[0]):
                self.entries[key] = (int(value), old[1])

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def reset(self) -> None:
        """Stop the subscriber and forget everything (when the cache settings change: tests)."""
        with self.lock:
            self.stop.set()
            self.pid = None
            self.entries.clear()

    # --- the subscriber -----------------------------------------------------------------------

    def _ensure_subscriber(self) -> None:
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()  # a forked worker starts its own thread, with an empty view
            self.entries.clear()
            self.stop = threading.Event()
            self.subscribed = threading.Event()
            threading.Thread(
                target=self._listen,
                args=(self.stop, channel()),
                name="cache-generations",
                daemon=True,
            ).start()

    def _listen(self, stop: threading.Event, name: str) -> None:
        while not stop.is_set():
            pubsub = None
            try:
                client = caches["default"]._cache.get_client(write=False)  # type: ignore[attr-defined]
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(name)
                self.clear()  # whatever was missed while not subscribed is read again
                self.subscribed.set()
                while not stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        self.apply_message(message["data"])
            except Exception:
                self.subscribed.clear()
                log.warning("Cache generation channel lost; reconnecting", exc_info=True)
                stop.wait(0.5)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # closing a broken connection
                        pubsub.close()


view = SharedView()


@receiver(setting_changed)
def _forget_on_new_settings(*, setting: str, **kwargs) -> None:
    if setting in ("CACHES", "CACHE_FRESHNESS_MS"):
        _settings.clear()
        view.reset()


def shared_get_many(keys: list[str]) -> dict[str, Any]:
    """The shared cache values for `keys`: through this process's view on Redis, else the cache."""
    return view.get_many(keys) if enabled() else cache.get_many(keys)


def remember(key: str, value: Any) -> None:
    """Tell this process's view about a value it has just written to the shared cache."""
    if enabled():
        view.remember(key, value)


def publish_generation(key: str, value: int) -> None:
    """Tell every process on every server about a new generation (at most one message; a lost one
    costs at most CACHE_FRESHNESS_MS of staleness)."""
    if not enabled():
        return
    view.remember(key, value)
    try:
        client = caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]
        client.publish(channel(), f"{key} {value}")
    except Exception:
        log.warning("Publishing a generation failed; other servers see it within the bound")
