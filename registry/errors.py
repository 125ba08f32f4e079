"""Site-wide error handlers and the request size limit, each answering in the format of the face
that owns the path: LuaRocks API `{"errors": [...]}`, ContentDB API `{"success": false, ...}`,
Django's own pages everywhere else."""

from enum import StrEnum

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from registry.common.body_limits import ENVELOPE, file_limit
from registry.contentdb.errors import error_response
from registry.luarocks.errors import errors_response


class Face(StrEnum):
    LUAROCKS = "luarocks"
    CONTENTDB = "contentdb"
    WEB = "web"


def face_for_path(path: str) -> Face:
    if path.startswith(("/api/1/", "/api/tool_version")):
        return Face.LUAROCKS
    if path.startswith("/api/"):
        return Face.CONTENTDB
    return Face.WEB


def face_error(request: HttpRequest, status: int, message: str) -> HttpResponse | None:
    face = face_for_path(request.path)
    if face == Face.LUAROCKS:
        return errors_response(message, status=status)
    if face == Face.CONTENTDB:
        return error_response(message, status=status)
    return None


def bad_request(request, exception=None):
    return face_error(request, 400, "Bad request") or defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return face_error(request, 403, "Forbidden") or defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return face_error(request, 404, "Endpoint or method not found") or defaults.page_not_found(
        request, exception
    )


def server_error(request):
    return face_error(request, 500, "Internal server error") or defaults.server_error(request)


STATUS_MESSAGES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Endpoint or method not found",
    405: "Endpoint or method not found",
    500: "Internal server error",
}


class FaceErrorMiddleware:
    """Keep every API answer in its face's format, whatever produced it.

    - Bodies over their route's limit (registry/common/body_limits.py: a release zip's, a
      screenshot's, a rockspec's, else MAX_UPLOAD_SIZE) are refused before anything reads them
      (413). Django limits only non-file form data; rocks and zips are files, so the limit lives here.
    - An error page that is not JSON (Django's 404 for an unknown route, its DEBUG pages, a 405 from
      a generic view) is replaced on API paths by the face's JSON error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        face = face_for_path(request.path)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = file_limit(request) if length else 0
        if length > limit + ENVELOPE:  # room for the multipart envelope
            message = f"Request body too large (limit {limit} bytes)"
            response = face_error(request, 413, message)
            return response or HttpResponse(message, status=413, content_type="text/plain")
        response = self.get_response(request)
        if (
            face != Face.WEB
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = STATUS_MESSAGES.get(response.status_code, "Request failed")
            replaced = face_error(request, response.status_code, message)
            if replaced is None:  # not an API path after all
                return response
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
