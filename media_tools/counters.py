"""The counter store: where security counters live (failed authentications, log-in failures,
uploads per account, per-address limits, one-per-address markers such as download de-duplication).

It is the "counters" cache alias (settings.base.CACHES): shared by every process, and never
evicting a live entry, so neither cache pressure nor a flood of cached answers can reset a counter.
It is kept apart from the "default" cache, whose built answers may be evicted at any time.
Use `counter_store()` for anything that must be counted once across all processes, and
`increment()` to count.
"""

from django.core.cache import BaseCache, caches

ALIAS = "counters"


def counter_store() -> BaseCache:
    """The cache that holds counters: shared by all processes, live entries never evicted."""
    return caches[ALIAS]


def increment(key: str, *, timeout: int) -> int:
    """Add one to the counter `key` (created at 1 with `timeout` seconds to live); the new value.

    Atomic on every backend of the store (`add`, then `incr` in one SQLite transaction or one
    Redis command), so concurrent requests are each counted.
    """
    store = counter_store()
    if store.add(key, 1, timeout=timeout):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # it expired between add and incr: a new window
        store.set(key, 1, timeout=timeout)
        return 1
