"""The ContentDB face's error format: `{"success": false, "error": "message"}` (docs/protocols/contentdb.md).

ERROR_STATUSES is the one table from domain errors to statuses on this face. A class missing from it
falls back to its nearest listed base class (the apps' base error classes are listed, as 400).
"""

from django.http import JsonResponse

from accounts.errors import AccountsError, UnknownPackageScope, UnknownUser
from media_tools.errors import InvalidImage, LimitReached, MediaToolsError
from packages.errors import (
    InvalidPackageData,
    InvalidPackageQuery,
    InvalidScreenshotRequest,
    NoSuchPackage,
    NoSuchUser,
    NotAllowed,
    PackageEditDenied,
    PackageExists,
    PackagesError,
    ScreenshotPermissionDenied,
    TooManyScreenshots,
)
from releases.errors import (
    InvalidLuantiContent,
    InvalidReleaseRequest,
    InvalidReleaseZip,
    ReleaseExists,
    ReleaseNotDeletable,
    ReleasePermissionDenied,
    ReleasesError,
    TooManyReleases,
)

ERROR_STATUSES: dict[type[Exception], int] = {
    # Bases: a domain error with no row of its own is the caller's bad input.
    AccountsError: 400,
    PackagesError: 400,
    ReleasesError: 400,
    # packages
    InvalidPackageQuery: 400,
    NoSuchPackage: 404,
    NoSuchUser: 404,
    NotAllowed: 403,
    # accounts
    UnknownUser: 404,
    UnknownPackageScope: 403,
    # package writes (ContentDB answers refusals of the domain with 403)
    InvalidPackageData: 400,
    PackageEditDenied: 403,
    PackageExists: 403,
    # releases
    InvalidReleaseRequest: 400,
    InvalidReleaseZip: 400,
    InvalidLuantiContent: 400,
    ReleasePermissionDenied: 403,
    ReleaseExists: 403,
    ReleaseNotDeletable: 403,
    TooManyReleases: 429,
    # screenshots
    MediaToolsError: 400,
    InvalidImage: 400,
    InvalidScreenshotRequest: 400,
    ScreenshotPermissionDenied: 403,
    TooManyScreenshots: 429,
    # limits of every entry point (media_tools.limits), sent with Retry-After
    LimitReached: 429,
}


def error_response(message: str, *, status: int = 400, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"success": False, "error": message}, status=status, headers=headers)


def status_for(error: Exception) -> int | None:
    """The status of a domain error (nearest class in the MRO that the table lists), else None."""
    for cls in type(error).__mro__:
        if cls in ERROR_STATUSES:
            return ERROR_STATUSES[cls]
    return None


def error_message(error: Exception) -> str:
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    return str(error.args[0]) if error.args else type(error).__name__
