"""A small per-process cache, least recently used first out, bounded by total size and count.

Built answers (manifests, ContentDB bodies, recorded replies) are kept here beside the shared cache
so that a hot request costs no transfer of a large body; the callers use an entry only while the
shared cache says it is current, so this cache never decides what is fresh, only what is kept.
Thread-safe: a gunicorn thread worker shares it between requests.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class BoundedLRU(Generic[Key, Value]):
    """At most `max_bytes` (as `size_of` measures the values) and `max_entries` values."""

    def __init__(
        self,
        *,
        max_bytes: int,
        size_of: Callable[[Value], int],
        max_entries: int | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.size_of = size_of
        self.size = 0
        self.entries: OrderedDict[Key, Value] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        """Keep `value` under `key` (replacing what was there); a value larger than the whole
        cache is not kept at all, so it cannot push everything else out."""
        size = self.size_of(value)
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= self.size_of(old)
            self.entries[key] = value
            self.size += size
            while self.size > self.max_bytes or (
                self.max_entries is not None and len(self.entries) > self.max_entries
            ):
                _, dropped = self.entries.popitem(last=False)
                self.size -= self.size_of(dropped)
