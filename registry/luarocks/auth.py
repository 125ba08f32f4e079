"""Path-key authentication of the LuaRocks upload API: `/api/1/<key>/...` (docs/protocols/luarocks.md 1.1).

The stock client puts the key in the URL path and never sends cookies, so these views are exempt from
CSRF. Statuses follow docs/protocols/luarocks.md: an unknown key is 401, a revoked key or a suspended account 403.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiKey
from accounts.selectors import api_key_by_secret
from accounts.services import record_api_key_use
from registry.common import ratelimit
from registry.luarocks.errors import errors_response

# The client prints "Invalid key (use the --api-key flag to change)" for exactly this first message.
INVALID_KEY = "Invalid key"
KEY_REVOKED = "The API key you provided has been revoked"
ACCOUNT_SUSPENDED = "Your account has been suspended"
METHOD_NOT_ALLOWED = "Method not allowed"


class AuthenticationFailed(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def authenticate(secret: str) -> ApiKey:
    """The usable key for a path secret; raises AuthenticationFailed with the status to answer."""
    key = api_key_by_secret(secret=secret)  # odd characters and any length give None, not an error
    if key is None:
        raise AuthenticationFailed(401, INVALID_KEY)
    if key.is_revoked:
        raise AuthenticationFailed(403, KEY_REVOKED)
    record_api_key_use(key=key)
    if key.user.is_suspended or not key.user.is_active:
        raise AuthenticationFailed(403, ACCOUNT_SUSPENDED)
    return key


def path_key_view(*methods: str) -> Callable:
    """Decorate `view(request, key, **kwargs)`: methods checked, key authenticated, CSRF exempt.

    Uploads per account are counted by the upload services themselves (media_tools.limits).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, key: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return errors_response(
                    METHOD_NOT_ALLOWED, status=405, headers={"Allow": ", ".join(methods)}
                )
            try:
                api_key = authenticate(key)
            except AuthenticationFailed as failure:
                # only failures are throttled: a valid key works from any address
                wait = ratelimit.record_failed_auth(request)
                if wait:
                    return _too_many(ratelimit.TOO_MANY_FAILED_AUTHS, wait)
                return errors_response(failure.message, status=failure.status)
            return view(request, api_key, **kwargs)

        return wrapped

    return decorate


def _too_many(message: str, wait: int) -> HttpResponse:
    return errors_response(message, status=429, headers={"Retry-After": str(wait)})
