"""Bearer-token authentication of the ContentDB face (docs/protocols/contentdb.md section 1).

`Authorization: Bearer <token>`: the first 7 characters are compared case-insensitively with
"bearer " and the rest, untrimmed, is the token. No header means anonymous; each view decides
whether that is enough. Statuses copy ContentDB's: a short token is 400, an unknown token or another
scheme 403. A suspended account's token is refused (403) on every endpoint, reads included.
"""

from rest_framework import status
from rest_framework.authentication import BaseAuthentication

from accounts.selectors import api_token_by_secret
from accounts.services import record_api_token_use
from registry.common import ratelimit

TOKEN_TOO_SHORT = "API token is too short"  # noqa: S105 - a message, not a secret
UNKNOWN_TOKEN = "Unknown API token"  # noqa: S105 - a message, not a secret
UNSUPPORTED_METHOD = "Unsupported authentication method"
ACCOUNT_SUSPENDED = "Your account has been suspended"
MIN_TOKEN_LENGTH = 10


class BearerAuthFailed(ratelimit.Refusal):
    """An authentication failure with its own status (DRF's AuthenticationFailed would force
    401/403), and the seconds to wait when it is the failed-authentication limit."""


class BearerAuthentication(BaseAuthentication):
    """Sets request.user to the token's owner and request.auth to the ApiToken row."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        try:
            return self._authenticate(header)
        except BearerAuthFailed:
            # only failures are throttled, per client address (registry/common/ratelimit.py): a valid
            # token works from any address
            wait = ratelimit.record_failed_auth(request)
            if wait:
                raise BearerAuthFailed(ratelimit.TOO_MANY_FAILED_AUTHS, 429, wait=wait) from None
            raise

    def _authenticate(self, header: str):
        if header[:7].lower() != "bearer ":
            raise BearerAuthFailed(UNSUPPORTED_METHOD, status.HTTP_403_FORBIDDEN)
        secret = header[7:]
        if len(secret) < MIN_TOKEN_LENGTH:
            raise BearerAuthFailed(TOKEN_TOO_SHORT, status.HTTP_400_BAD_REQUEST)
        # looked up by hash, compared in constant time (accounts/secrets.py)
        token = api_token_by_secret(secret=secret)
        if token is None:
            raise BearerAuthFailed(UNKNOWN_TOKEN, status.HTTP_403_FORBIDDEN)
        if token.user.is_suspended or not token.user.is_active:
            raise BearerAuthFailed(ACCOUNT_SUSPENDED, status.HTTP_403_FORBIDDEN)
        record_api_token_use(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
