"""Cache generations for what rock writes change (manifests) and what Luanti writes change (lists).

Built answers are cached under keys that include a generation number. A write bumps the generations
it affects once its transaction commits, so every app server sharing the cache stops serving the old
answer at once, and nothing is ever served from a rolled-back write.
"""

import time

from django.core.cache import cache
from django.db import transaction

ROOT_MANIFESTS = "root"  # /manifest*, /manifest-5.x*, /dev/manifest*
LUANTI_LISTS = "luanti"  # ContentDB package lists, updates, dependencies


def _key(scope: str) -> str:
    return f"generation:{scope}"


def generation_key(scope: str) -> str:
    """The cache key of a scope's generation, to read it together with other keys (get_many)."""
    return _key(scope)


def user_manifests(user_id: int) -> str:
    return f"user:{user_id}"


def _fresh_start() -> int:
    """A counter that was never set or was evicted restarts above any value it can have had:
    restarting at 1 could meet an entry still cached under that old generation and serve it."""
    return time.time_ns() // 1000


def generation(scope: str) -> int:
    value = cache.get(_key(scope))
    if value is None:
        cache.add(_key(scope), _fresh_start(), timeout=None)
        value = cache.get(_key(scope)) or _fresh_start()
    return value


def bump(*scopes: str) -> None:
    """Invalidate the scopes when the current transaction commits (at once outside one)."""

    def _bump() -> None:
        for scope in scopes:
            try:
                cache.incr(_key(scope))
            except ValueError:  # not in the cache yet (or evicted): start a new generation
                cache.set(_key(scope), _fresh_start(), timeout=None)

    transaction.on_commit(_bump)


def invalidate_rock_manifests(*, author_id: int) -> None:
    """A write to one of `author_id`'s rocks: their own manifests and the root/dev manifests."""
    bump(ROOT_MANIFESTS, user_manifests(author_id))


def invalidate_luanti_lists() -> None:
    bump(LUANTI_LISTS)
