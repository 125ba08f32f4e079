"""Download counters of release files, their releases and packages, for both faces.

A download counts at most once per client address per package per UTC day (docs/security.md,
"Ranking fraud"): the counters feed the download sort and the score, so a loop of GETs from one
address must not move them. The first request of the day leaves a mark in a cache under a keyed
hash of (package, address): an HMAC whose key is derived from SECRET_KEY and the day, so the store
never holds an address in the clear and yesterday's marks cannot be linked to today's. The mark is
one atomic `add` (set-if-absent), so the hot path takes no lock and a race of two first requests
counts once. A lost mark (eviction, a restarted local-memory cache) only lets one more download of
that address count that day.

A counted download updates no row: it joins the pending batch that releases/download_counts.py
writes every few seconds, at exit, or on `manage.py flush_downloads`.
"""

from datetime import date, datetime

from django.core.cache import BaseCache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from media_tools.counters import counter_store
from packages.downloads import daily_columns
from releases.download_counts import add_pending, apply_counts, daily_counter, file_counter
from releases.models import ReleaseFile

# A mark must outlive the rest of its UTC day (the day is in the key, so it needs no longer).
SEEN_TIMEOUT = 25 * 3600


def download_seen_store() -> BaseCache:
    """Where the once-a-day marks live: the counter store, which cache pressure cannot evict (a
    flood of cached answers must not make a repeat count again)."""
    return counter_store()


def is_first_download_today(*, client: str, package_id: int, now: datetime | None = None) -> bool:
    """True for the first download of `package_id` from `client` (an address) this UTC day."""
    day = (now or timezone.now()).date().isoformat()
    digest = salted_hmac(
        f"lua-registry.downloads.{day}", f"{package_id}:{client}", algorithm="sha256"
    ).hexdigest()[:32]
    return download_seen_store().add(f"download-seen:{digest}", 1, timeout=SEEN_TIMEOUT)


def download_counters(
    *,
    release_file: ReleaseFile,
    day: date,
    reason: str | None = None,
    user_agent: str | None = None,
) -> dict[str, int]:
    """The pending counters of one counted download (releases/download_counts.py): the file (and so
    its release and package), plus for a Luanti download the day's platform and reason columns."""
    counts = {file_counter(release_file.pk): 1}
    if user_agent is not None:
        package_id = release_file.release.package_id
        for column in daily_columns(reason=reason, user_agent=user_agent):
            counts[daily_counter(package_id, day, column)] = 1
    return counts


def add_download(*, release_file: ReleaseFile) -> None:
    """+1 on the file, its release and its package, written now (not on any request path: the
    requests count through `count_download`, which only adds to the pending batch)."""
    apply_counts({file_counter(release_file.pk): 1})


def count_download(*, release_file: ReleaseFile, client: str, now: datetime | None = None) -> bool:
    """A rockspec or rock fetched by `client`: counted when it is the client's first fetch of the
    package today (whatever the file: per file, fetching every file of every version would add
    that many to the package). Returns whether it counted. No row is written here: the count
    joins the pending batch (releases/download_counts.py)."""
    package_id = release_file.release.package_id
    now = now or timezone.now()
    if not is_first_download_today(client=client, package_id=package_id, now=now):
        return False
    add_pending(download_counters(release_file=release_file, day=now.date()))
    return True


def count_luanti_download(
    *,
    release_file: ReleaseFile,
    package_id: int,
    reason: str | None,
    user_agent: str,
    client: str,
    now: datetime | None = None,
) -> bool:
    """A Luanti release zip fetched by `client`: the totals, the daily stats (platform, reason) and
    the download score move together, once per client and package a day, when the pending batch
    is written. False for bots (no User-Agent) and repeats."""
    if not user_agent.strip():
        return False
    now = now or timezone.now()
    if not is_first_download_today(client=client, package_id=package_id, now=now):
        return False
    add_pending(
        download_counters(
            release_file=release_file, day=now.date(), reason=reason, user_agent=user_agent
        )
    )
    return True
