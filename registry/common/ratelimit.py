"""Per-client-address limits of the faces, counted in the counter store (media_tools.limits).

- Failed authentications per client address: an unknown, revoked or malformed key or token
  counts. Past the limit, further *failures* from that address answer 429 until the window ends,
  so guessing secrets costs a full window per RATELIMIT_FAILED_AUTHS attempts. A valid key or
  token always works, even from a locked-out address: one guesser behind a shared address (NAT)
  must not lock everyone else out, and keys and tokens are too long to guess anyway
  (accounts/secrets.py), so the lock-out only bounds the noise.
- Hypertext conversions per client address (POST /api/hypertext/): each may cost seconds of CPU.

Uploads per account are counted by the domain services (media_tools.limits.count_upload).
"""

from django.conf import settings
from django.http import HttpRequest
from rest_framework.exceptions import APIException

from accounts.addresses import client_address
from media_tools.limits import Limit, hit, retry_after

TOO_MANY_FAILED_AUTHS = "Too many failed authentication attempts; try again later"
TOO_MANY_CONVERSIONS = "Too many conversions; try again later"


def failed_auth_limit() -> Limit:
    count, window = settings.RATELIMIT_FAILED_AUTHS
    return Limit("failed-auth", count, window)


def hypertext_limit() -> Limit:
    count, window = settings.RATELIMIT_HYPERTEXT
    return Limit("hypertext", count, window)


def record_failed_auth(request: HttpRequest) -> int | None:
    """Count a failed authentication from the request's address; seconds to wait when the
    address is over the limit (answer 429 instead of the failure), else None."""
    limit = failed_auth_limit()
    address = client_address(request)
    # An address already over the limit is refused without counting further.
    return retry_after(limit, address) or hit(limit, address)


def hypertext_block(request: HttpRequest) -> int | None:
    """Count a hypertext conversion from the request's address; seconds to wait when over."""
    return hit(hypertext_limit(), client_address(request))


class Refusal(APIException):
    """A refusal with its own status and, when the client may try again, the seconds to wait
    (the ContentDB handler sends them as Retry-After)."""

    def __init__(self, message: str, status_code: int, wait: int | None = None) -> None:
        super().__init__(detail=message)
        self.status_code = status_code
        self.wait = wait


class TooManyRequests(Refusal):
    """429 with the seconds to wait."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message, 429, wait)
