"""Abuse limits shared by both API faces, counted in the Django cache (Redis when CACHE_URL is set,
so every app server sees the same counts; the local-memory cache otherwise).

- Failed authentications per client address: an unknown, revoked or malformed key or token counts.
  Past the limit, every authenticated request from that address is refused until the window ends,
  so guessing secrets costs a full window per RATELIMIT_FAILED_AUTHS attempts.
- Uploads per account (rockspecs, rocks, new packages, release zips, screenshots).

Fixed windows: one counter per (limit, who, window start), which needs only `add` and `incr` and
so is atomic on Redis and in the local cache alike. The limits are far above what an honest user
does (settings.RATELIMIT_*), and a refusal says when to come back (`Retry-After`).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.exceptions import APIException


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: int  # seconds


def failed_auth_limit() -> Limit:
    count, window = settings.RATELIMIT_FAILED_AUTHS
    return Limit("failed-auth", count, window)


def upload_limit() -> Limit:
    count, window = settings.RATELIMIT_UPLOADS
    return Limit("uploads", count, window)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the header a trusted front proxy sets (settings.CLIENT_ADDRESS_HEADER)."""
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        forwarded = request.META.get(header, "").split(",")[0].strip()
        if forwarded:
            return forwarded[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _window(limit: Limit) -> tuple[int, int]:
    """(start of the current window, seconds until it ends)."""
    now = int(time.time())
    start = now - now % limit.window
    return start, start + limit.window - now


def _key(limit: Limit, who: str, start: int) -> str:
    return f"ratelimit:{limit.name}:{who}:{start}"


def retry_after(limit: Limit, who: str) -> int | None:
    """Seconds to wait when `who` is already over the limit, else None (counts nothing)."""
    start, remaining = _window(limit)
    if cache.get(_key(limit, who, start), 0) >= limit.count:
        return max(remaining, 1)
    return None


def hit(limit: Limit, who: str) -> int | None:
    """Count one event for `who`; seconds to wait when this event is over the limit, else None."""
    start, remaining = _window(limit)
    key = _key(limit, who, start)
    if cache.add(key, 1, timeout=limit.window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, 1, timeout=limit.window + 1)
            count = 1
    return max(remaining, 1) if count > limit.count else None


TOO_MANY_FAILED_AUTHS = "Too many failed authentication attempts; try again later"
TOO_MANY_UPLOADS = "Too many uploads; try again later"


def failed_auth_block(request: HttpRequest) -> int | None:
    return retry_after(failed_auth_limit(), client_address(request))


def record_failed_auth(request: HttpRequest) -> None:
    hit(failed_auth_limit(), client_address(request))


def upload_block(user_id: int) -> int | None:
    """Count an upload by the account; seconds to wait when it is over the limit."""
    return hit(upload_limit(), str(user_id))


class TooManyRequests(APIException):
    """429 with the seconds to wait (the ContentDB handler sends them as Retry-After)."""

    status_code = 429

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(detail=message)
        self.wait = wait


class UploadThrottle:
    """DRF throttle of the ContentDB face's upload views: counts the token owner's upload."""

    def allow_request(self, request, view) -> bool:
        if request.method != "POST" or request.auth is None:
            return True  # anonymous writes are refused by the view with 401
        wait = upload_block(request.auth.user_id)
        if wait:
            raise TooManyRequests(TOO_MANY_UPLOADS, wait)
        return True

    def wait(self) -> None:
        return None
