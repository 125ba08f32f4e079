"""Cache generations: built answers are cached under keys that hold a generation number, and a write
makes them unreachable by bumping that number once its transaction commits.

Every app server sharing the cache stops serving the old answer at once, and nothing is ever served
from a rolled-back write. The scopes (which answers a generation covers) belong to the domain that
writes them (packages.invalidation); this module is only the mechanism.
"""

import time

from django.core.cache import cache
from django.db import transaction


def generation_key(scope: str) -> str:
    """The cache key of a scope's generation, to read it together with other keys (get_many)."""
    return f"generation:{scope}"


def _fresh_start() -> int:
    """A counter that was never set or was evicted restarts above any value it can have had:
    restarting at 1 could meet an entry still cached under that old generation and serve it."""
    return time.time_ns() // 1000


def generation(scope: str) -> int:
    key = generation_key(scope)
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_start(), timeout=None)
        value = cache.get(key) or _fresh_start()
    return int(value)


def bump(*scopes: str) -> None:
    """Invalidate the scopes when the current transaction commits (at once outside one)."""

    def _bump() -> None:
        for scope in scopes:
            try:
                cache.incr(generation_key(scope))
            except ValueError:  # not in the cache yet (or evicted): start a new generation
                cache.set(generation_key(scope), _fresh_start(), timeout=None)

    transaction.on_commit(_bump)
