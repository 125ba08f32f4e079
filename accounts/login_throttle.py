"""Login throttling: a cache counter per (username, client address).

Counting per pair, not per address alone, keeps one noisy network from locking out everyone behind
it, and counting per username too stops guessing one account's password from one place.
"""

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(username: str, address: str) -> str:
    return f"login-failures:{username.strip().lower()}:{address}"


def is_locked_out(*, username: str, address: str) -> bool:
    return cache.get(_key(username, address), 0) >= MAX_FAILURES


def record_failure(*, username: str, address: str) -> None:
    key = _key(username, address)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS)


def clear_failures(*, username: str, address: str) -> None:
    cache.delete(_key(username, address))
