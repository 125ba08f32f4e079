"""Download counts off the request path: accumulated, then written to the database in batches.

A counted download (releases/downloads.py decides which: once per address, package and UTC day)
adds to a pending batch instead of updating rows:

- when the counter store (media_tools.counters, COUNTERS_CACHE_URL) is Redis: one `HINCRBY`
  pipeline into the hash `downloads:pending`, shared by every process and server;
- otherwise: a per-process buffer in memory (no I/O at all).

A batch is a map of counter names to amounts: `f:<release file id>` (the file, and through it its
release and package, +n) and `d:<package id>:<YYYY-MM-DD>:<column>` (a column of that UTC day's
PackageDailyStats row; the reason columns also give the download score, packages.scoring).
`apply_counts` writes a batch in ONE transaction with a constant number of statements per table
(CASE updates), whatever its size.

Who flushes:
- every process that counts starts a daemon thread (`DOWNLOADS_FLUSH_SECONDS`, 5 s by default;
  0 turns it off, as the tests do): each period it hands its buffer to the task
  `apply_download_counts` (the immediate backend applies it in that thread, the database backend
  queues it durably for `manage.py db_worker`), and with Redis one process per period enqueues
  `flush_downloads_task`, which takes the shared hash;
- `manage.py flush_downloads` (cron, or by hand) flushes this process's buffer and the shared hash;
- a clean exit: `atexit` in every process, gunicorn's `worker_exit` hook (gunicorn.conf.py), and
  multiprocessing's exit finalizers (granian's workers end with `os._exit`, after those).

What a crash can lose: with the buffer, the counts a process took in its last
DOWNLOADS_FLUSH_SECONDS (a SIGKILL or an out-of-memory kill of a worker; a SIGTERM flushes); with
Redis, nothing an app server held (the counts are in Redis when the answer leaves), only a batch a
flusher had taken and had not yet committed when it died (one flush period's counts), and whatever
Redis itself loses by its persistence settings. A failed apply (database down) puts the batch back.
A batch is taken atomically (the buffer swapped under a lock; `HGETALL` + `DEL` in one MULTI), so
two flushes never apply the same counts and a second flush finds nothing: flushing is idempotent.
"""

import atexit
import logging
import multiprocessing.util
import os
import threading
import time
from collections import Counter
from collections.abc import Mapping
from datetime import date

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connections, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django_tasks import task

from media_tools.counters import counter_store
from packages.models import Package, PackageDailyStats
from packages.scoring import DOWNLOAD_SCORE_BY_REASON
from releases.models import Release, ReleaseFile

log = logging.getLogger(__name__)

PENDING_KEY = "downloads:pending"
FLUSH_CLAIM_KEY = "downloads:flush-claim"
REASON_COLUMNS = {f"reason_{reason}": amount for reason, amount in DOWNLOAD_SCORE_BY_REASON.items()}


def file_counter(file_id: int) -> str:
    return f"f:{file_id}"


def daily_counter(package_id: int, day: date, column: str) -> str:
    return f"d:{package_id}:{day.isoformat()}:{column}"


# --- where pending counts live ----------------------------------------------------------------


class _Buffer:
    """This process's pending counts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, counts: Mapping[str, int]) -> None:
        with self.lock:
            self.counts.update(counts)

    def take(self) -> dict[str, int]:
        with self.lock:
            taken, self.counts = dict(self.counts), Counter()
        return taken


_buffer = _Buffer()


def _redis_store():
    """The Redis client and the full key of the pending hash, when the counter store is Redis."""
    store = counter_store()
    if not isinstance(store, RedisCache):
        return None
    key = store.make_and_validate_key(PENDING_KEY)
    return store._cache.get_client(key, write=True), key  # type: ignore[attr-defined]


def add_pending(counts: Mapping[str, int]) -> None:
    """Count `counts` (counter name -> amount) towards the next flush: the request's only work."""
    shared = _redis_store()
    if shared is None:
        _buffer.add(counts)
    else:
        client, key = shared
        try:
            with client.pipeline(transaction=False) as pipe:
                for name, amount in counts.items():
                    pipe.hincrby(key, name, amount)
                pipe.execute()
        except Exception:  # Redis unreachable: the download is served, its count kept here
            log.warning("Redis refused a download count; kept in this process until the flush")
            _buffer.add(counts)
    _flusher.ensure_started()


def _take_shared() -> dict[str, int]:
    shared = _redis_store()
    if shared is None:
        return {}
    client, key = shared
    with client.pipeline(transaction=True) as pipe:
        pipe.hgetall(key)
        pipe.delete(key)
        raw, _ = pipe.execute()
    return {name.decode(): int(value) for name, value in raw.items()}


def _put_back(counts: Mapping[str, int]) -> None:
    """A batch whose apply failed returns to where it came from (the shared hash or the buffer)."""
    if counts:
        add_pending(counts)


# --- writing a batch --------------------------------------------------------------------------


def _case(amounts: Mapping[int, int]) -> Case:
    return Case(
        *(When(pk=pk, then=Value(amount)) for pk, amount in amounts.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _add_downloads(model, amounts: Mapping[int, int]) -> None:
    if amounts:
        model.objects.filter(pk__in=list(amounts)).update(downloads=F("downloads") + _case(amounts))


def apply_counts(counts: Mapping[str, int]) -> int:
    """Write one batch in one transaction; returns the number of file downloads it held.

    Rows deleted since the downloads were counted are skipped.
    """
    files: Counter[int] = Counter()
    daily: dict[tuple[int, date], Counter[str]] = {}
    for name, amount in counts.items():
        kind, _, rest = name.partition(":")
        if kind == "f":
            files[int(rest)] += amount
        elif kind == "d":
            package, day, column = rest.split(":")
            key = (int(package), date.fromisoformat(day))
            daily.setdefault(key, Counter())[column] += amount
    if not files and not daily:
        return 0
    with transaction.atomic():
        found: Counter[int] = Counter()
        releases: Counter[int] = Counter()
        packages: Counter[int] = Counter()
        for file_id, release_id, package_id in ReleaseFile.objects.filter(
            pk__in=list(files)
        ).values_list("pk", "release_id", "release__package_id"):
            found[file_id] = files[file_id]
            releases[release_id] += files[file_id]
            packages[package_id] += files[file_id]
        _add_downloads(ReleaseFile, found)
        _add_downloads(Release, releases)
        _add_downloads(Package, packages)
        _add_daily(daily)
    return sum(found.values())


def _add_daily(daily: Mapping[tuple[int, date], Counter[str]]) -> None:
    existing = set(
        Package.objects.filter(pk__in={package_id for package_id, _ in daily}).values_list(
            "pk", flat=True
        )
    )
    scores: dict[int, float] = {}
    for (package_id, day), columns in daily.items():
        if package_id not in existing:
            continue
        columns = Counter({c: n for c, n in columns.items() if c in _DAILY_COLUMNS})
        rows = PackageDailyStats.objects.filter(package_id=package_id, date=day)
        if not rows.update(**{c: F(c) + n for c, n in columns.items()}):
            try:
                with transaction.atomic():
                    PackageDailyStats.objects.create(package_id=package_id, date=day, **columns)
            except IntegrityError:  # another flush created the day's row meanwhile
                rows.update(**{c: F(c) + n for c, n in columns.items()})
        score = sum(REASON_COLUMNS.get(c, 0.0) * n for c, n in columns.items())
        if score:
            scores[package_id] = scores.get(package_id, 0.0) + score
    if scores:
        amounts = Case(
            *(When(pk=pk, then=Value(amount)) for pk, amount in scores.items()),
            default=Value(0.0),
        )
        Package.objects.filter(pk__in=list(scores)).update(
            score_downloads=F("score_downloads") + amounts, score=F("score") + amounts
        )


_DAILY_COLUMNS = {
    "platform_minetest",
    "platform_other",
    "reason_new",
    "reason_update",
    "reason_dependency",
}


def flush_downloads() -> int:
    """Write this process's buffer and the shared pending counts to the database now; returns
    the number of file downloads written. Running it again at once writes nothing."""
    written = 0
    for take, source in ((_buffer.take, "buffer"), (_take_shared, "shared")):
        counts = take()  # one source at a time: a failure never loses another's batch
        try:
            written += apply_counts(counts)
        except Exception:
            log.exception(
                "Writing %s download counts failed; they are kept for the next flush", source
            )
            _put_back(counts)
            raise
    return written


@task()
def apply_download_counts(counts: dict[str, int]) -> int:
    """A batch handed over by a process (its buffer), applied by whichever worker runs tasks."""
    return apply_counts(counts)


@task()
def flush_downloads_task() -> int:
    return flush_downloads()


# --- the per-process flusher ------------------------------------------------------------------


class _Flusher:
    """A daemon thread per process that hands the pending counts over every period."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid: int | None = None
        self.stop = threading.Event()

    def ensure_started(self) -> None:
        period = float(getattr(settings, "DOWNLOADS_FLUSH_SECONDS", 0) or 0)
        if period <= 0 or self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()  # a forked worker starts its own thread
            self.stop = threading.Event()
            thread = threading.Thread(
                target=self.run, args=(period, self.stop), name="downloads-flusher", daemon=True
            )
            thread.start()

    def run(self, period: float, stop: threading.Event) -> None:
        while not stop.wait(period):
            try:
                self.hand_over(period)
            except Exception:
                log.exception("Handing over download counts failed; retrying next period")
            finally:
                connections.close_all()  # this thread's own connections

    @staticmethod
    def hand_over(period: float) -> None:
        counts = _buffer.take()
        if counts:
            try:
                apply_download_counts.enqueue(counts)
            except Exception:
                _buffer.add(counts)
                raise
        if _redis_store() is not None and counter_store().add(
            FLUSH_CLAIM_KEY, 1, timeout=max(1, int(period))
        ):
            flush_downloads_task.enqueue()


_flusher = _Flusher()


def flush_at_exit() -> None:
    """Write what this process still holds (atexit, gunicorn's worker_exit): nothing counted is lost
    on a clean shutdown."""
    counts = _buffer.take()
    if not counts:
        return
    started = time.monotonic()
    try:
        written = apply_counts(counts)
        log.info(
            "Wrote %d pending downloads at exit in %.3f s", written, time.monotonic() - started
        )
    except Exception:
        log.exception("Writing %d pending download counters at exit failed", len(counts))


atexit.register(flush_at_exit)
# A multiprocessing child (granian's workers) ends with os._exit, skipping atexit, after running
# multiprocessing's own finalizers: register there too (the second call finds nothing to write).
multiprocessing.util.Finalize(None, flush_at_exit, exitpriority=10)
