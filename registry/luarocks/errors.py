"""The LuaRocks face's error format: `{"errors": ["message", ...]}` (docs/protocols/luarocks.md, "Error Responses").

The client only checks for the presence of `errors` and prints them; the first message exactly
"Invalid key" gets a special hint (docs/protocols/luarocks.md trap 2).
"""

from django.http import JsonResponse

from media_tools.errors import LimitReached
from releases.errors import InvalidRock, InvalidRockspec, NotOwner, ReleasesError, UploadNotAllowed

# The one table from domain errors to statuses on this face. luarocks.org answers every validation
# failure with 400; the status table of docs/protocols/luarocks.md keeps 403 for what the account may not do.
ERROR_STATUSES: dict[type[Exception], int] = {
    InvalidRockspec: 400,
    InvalidRock: 400,
    NotOwner: 403,
    UploadNotAllowed: 403,
    LimitReached: 429,  # with Retry-After
}
# What the face's upload views catch from the services.
DOMAIN_ERRORS = (ReleasesError, LimitReached)


def errors_response(*messages: str, status: int = 400, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"errors": list(messages)}, status=status, headers=headers)


def domain_error_response(error: ReleasesError | LimitReached) -> JsonResponse:
    """The face's answer to a domain error: its message, with the status from ERROR_STATUSES."""
    status = next((ERROR_STATUSES[c] for c in type(error).__mro__ if c in ERROR_STATUSES), 400)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, LimitReached) else None
    return errors_response(error.message, status=status, headers=headers)
