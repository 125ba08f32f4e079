"""The cache backend of the default configuration: diskcache's Django backend, shared by every
process on the machine (SQLite files in WAL mode under settings.CACHE_DIR).

Without Redis, a local-memory cache per process let each worker serve its own stale copy of a
manifest or list after another process wrote (the generation bump reached only the writer), and
kept the security counters where a flood of cached answers could evict them. A directory on disk
is shared by all processes of one machine, bounded in bytes (`size_limit`), and with the
eviction policy "none" never drops a live entry (settings.base.disk_cache).
"""

from diskcache import DjangoCache


class SharedDiskCache(DjangoCache):
    """diskcache's DjangoCache, keeping its SQLite connections open between requests.

    Django closes every cache when a request ends; diskcache's close() drops the connections of
    each shard, so the next request would reopen them (and set their pragmas) again. The
    connections are per thread and safe to keep, as Django keeps a Redis connection pool.
    """

    def close(self, **kwargs) -> None:
        return None

    def volume(self) -> int:
        """Bytes the cache holds on disk (its SQLite pages and value files): what
        OPTIONS["size_limit"] bounds."""
        return self._cache.volume()

    def entry_count(self) -> int:
        """How many entries the cache holds, expired ones not yet removed included."""
        return len(self._cache)
