"""The ContentDB face's base view: Bearer auth, `{"success": false, "error": ...}` for every error,
CORS and Cache-Control headers (docs/protocols/contentdb.md section 1)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, User
from media_tools.errors import LimitReached
from packages.models import Package
from registry.common.ratelimit import Refusal
from registry.contentdb.auth import BearerAuthentication
from registry.contentdb.errors import error_message, error_response, status_for

AUTHENTICATION_NEEDED = "Authentication needed"
TOKEN_NOT_FOR_PACKAGE = "API token does not have access to the package"  # noqa: S105 - a message

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
}


class ContentDBError(exceptions.APIException):
    """Raise from a view to answer `{"success": false, "error": message}` with `status`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(detail=message)
        self.status_code = status


def _detail_message(detail) -> str:
    """The first human message of a DRF error detail (a string, a list or a dict of them)."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _detail_message(value)
            if field in ("non_field_errors", "detail", "__all__"):
                return message
            return f"{field}: {message}"
        return "Invalid request"
    if isinstance(detail, list | tuple):
        return _detail_message(detail[0]) if detail else "Invalid request"
    return str(detail)


def contentdb_exception_handler(exc: Exception, context: dict):
    """Every error of the face in one shape; domain errors through the table in errors.py."""
    headers = {}
    if isinstance(exc, exceptions.NotAuthenticated):
        return error_response(AUTHENTICATION_NEEDED, status=401)
    if isinstance(exc, exceptions.APIException):
        if isinstance(exc, Refusal) and exc.wait:  # a rate limit
            headers["Retry-After"] = str(int(exc.wait))
        return error_response(_detail_message(exc.detail), status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        return error_response(str(exc) or "Not found", status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(str(exc) or "Permission denied", status=403)
    status = status_for(exc)
    if status is not None:
        if isinstance(exc, LimitReached) and exc.retry_after:  # a limit (media_tools.limits)
            headers["Retry-After"] = str(int(exc.retry_after))
        return error_response(error_message(exc), status=status, headers=headers)
    return None  # a bug: Django's handler500 answers in the face's shape (registry/errors.py)


class ContentDBView(APIView):
    # DRF lets the first auth class decide between 401 and 403; ours answers with its own statuses.
    authentication_classes = [BearerAuthentication]
    permission_classes = []
    renderer_classes = [JSONRenderer]
    # Cache-Control max-age of successful GETs, as ContentDB sends them (None: no header)
    cache_max_age: int | None = None

    def get_exception_handler(self):
        return contentdb_exception_handler

    def finalize_response(self, request, response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in CORS_HEADERS.items():
            response[header] = value
        if (
            self.cache_max_age is not None
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and request.auth is None
        ):
            response["Cache-Control"] = f"public, max-age={self.cache_max_age}"
        return response


def require_token(request) -> tuple[User, ApiToken]:
    """The token's owner and the token, or 401 for an anonymous write."""
    if request.auth is None or request.user is None:
        raise ContentDBError(AUTHENTICATION_NEEDED, 401)
    return request.user, request.auth


def require_token_for(request, package: Package) -> User:
    """For writes: 401 when anonymous, 403 when the token is limited to another package.

    Whether the user may do the write at all is the view's question for `packages.permissions.can`.
    """
    user, token = require_token(request)
    if token.package_id is not None and token.package_id != package.pk:
        raise ContentDBError(TOKEN_NOT_FOR_PACKAGE, 403)
    return user
