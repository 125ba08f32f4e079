"""Abuse limits: fixed-window counts in the counter store (media_tools.counters).

One counter per (limit, who, window start), which needs only `add` and `incr` and so is atomic on
every backend. The limits are far above what an honest user does (settings.RATELIMIT_*), and a
refusal says when to come back (LimitReached.retry_after, sent as `Retry-After` by the API faces).

The upload limit is counted by the domain services that store uploads (rockspecs, rocks, new
packages, release zips and git imports, screenshots), so every entry point shares it: both APIs,
the web forms, the admin and management commands. It lives here, in the lowest layer, because
screenshots (media_tools) are uploads too. The one exception is explicit: the services take
`rate_limited=False` from the operator's import commands only (docs/operations.md).
"""

import time
from dataclasses import dataclass

from django.conf import settings

from media_tools.counters import counter_store, increment
from media_tools.errors import UploadLimitReached

TOO_MANY_UPLOADS = "Too many uploads; try again later"


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: int  # seconds


def _window(limit: Limit) -> tuple[int, int]:
    """(start of the current window, seconds until it ends)."""
    now = int(time.time())
    start = now - now % limit.window
    return start, start + limit.window - now


def _key(limit: Limit, who: str, start: int) -> str:
    return f"ratelimit:{limit.name}:{who}:{start}"


def retry_after(limit: Limit, who: str) -> int | None:
    """Seconds to wait when `who` is already at the limit, else None (counts nothing)."""
    start, remaining = _window(limit)
    if (counter_store().get(_key(limit, who, start)) or 0) >= limit.count:
        return max(remaining, 1)
    return None


def hit(limit: Limit, who: str) -> int | None:
    """Count one event for `who`; seconds to wait when this event is over the limit, else None."""
    start, remaining = _window(limit)
    count = increment(_key(limit, who, start), timeout=limit.window + 1)
    return max(remaining, 1) if count > limit.count else None


def upload_limit() -> Limit:
    count, window = settings.RATELIMIT_UPLOADS
    return Limit("uploads", count, window)


def count_upload(*, user_id: int) -> None:
    """Count one upload by the account; raises UploadLimitReached past the limit.

    Called first thing by every upload service, so refused, invalid and failed uploads count as
    well: each one costs the server the work of reading and checking it.
    """
    wait = hit(upload_limit(), str(user_id))
    if wait:
        raise UploadLimitReached(TOO_MANY_UPLOADS, retry_after=wait)
