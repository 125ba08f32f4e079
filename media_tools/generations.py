"""Cache generations: built answers are cached under keys that hold a generation number, and a write
makes them unreachable by bumping that number once its transaction commits.

Every app server sharing the cache stops serving the old answer at once, and nothing is ever served
from a rolled-back write. On Redis each process reads them through its view (media_tools/shared_view.py):
a bump is published to every process at once, and no process trusts a value older than
CACHE_FRESHNESS_MS. The scopes (which answers a generation covers) belong to the domain that
writes them (packages.invalidation); this module is only the mechanism.
"""

import time

from django.core.cache import cache
from django.db import transaction

from media_tools.shared_view import publish_generation, remember, shared_get_many


def generation_key(scope: str) -> str:
    """The cache key of a scope's generation, to read it together with other keys (get_many)."""
    return f"generation:{scope}"


def _fresh_start() -> int:
    """A counter that was never set or was evicted restarts above any value it can have had:
    restarting at 1 could meet an entry still cached under that old generation and serve it."""
    return time.time_ns() // 1000


def generation(scope: str) -> int:
    key = generation_key(scope)
    value = shared_get_many([key]).get(key)  # on Redis: this process's view, bounded staleness
    if value is None:
        cache.add(key, _fresh_start(), timeout=None)
        value = cache.get(key)
        if value is None:
            return _fresh_start()
        remember(key, value)
    return int(value)


def bump(*scopes: str) -> None:
    """Invalidate the scopes when the current transaction commits (at once outside one)."""

    def _bump() -> None:
        for scope in scopes:
            key = generation_key(scope)
            try:
                value = cache.incr(key)
            except ValueError:  # not in the cache yet (or evicted): start a new generation
                value = _fresh_start()
                cache.set(key, value, timeout=None)
            publish_generation(key, value)  # every process of every server (shared_view.py)

    transaction.on_commit(_bump)
