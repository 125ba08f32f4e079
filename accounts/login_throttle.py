"""Login throttling: a counter per (username, client address).

Counting per pair, not per address alone, keeps one noisy network from locking out everyone behind
it, and counting per username too stops guessing one account's password from one place.
The counters live in the counter store (media_tools.counters), which every process shares and no
cache pressure evicts: a flood of cached answers cannot hand a guesser fresh attempts.
"""

from media_tools.counters import counter_store, increment

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(username: str, address: str) -> str:
    return f"login-failures:{username.strip().lower()}:{address}"


def is_locked_out(*, username: str, address: str) -> bool:
    return (counter_store().get(_key(username, address)) or 0) >= MAX_FAILURES


def record_failure(*, username: str, address: str) -> None:
    increment(_key(username, address), timeout=WINDOW_SECONDS)


def clear_failures(*, username: str, address: str) -> None:
    counter_store().delete(_key(username, address))
