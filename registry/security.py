"""Content-Security-Policy for HTML answers (Django sets HSTS, nosniff and frame options itself).

Web pages get a self-only policy: no inline script or style, no plugins, no framing. Our templates
keep every script and style in static files. Two families of pages carry vendored code that writes
inline styles at run time, so they may use inline *styles* (never inline scripts): Django's admin
and the API documentation (Swagger UI, Redoc; Redoc also runs a blob: worker), whose images
come from this site only.

Images may come from https: and data: URLs: package descriptions show images hosted elsewhere, as
ContentDB's do. API answers are JSON and files are served with their own headers (downloads as
attachments; screenshots with `default-src 'none'; sandbox`), so this policy is only set on HTML.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

STRICT = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
VENDORED = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + (
    "; worker-src 'self' blob:"
)
VENDORED_PREFIXES = ("/admin/", "/api/schema/")
# Redoc's bundle shows a logo from Redocly's CDN; the API documentation takes images from this
# site only, so the browser never asks a third party (the logo is simply left out).
API_DOCS = VENDORED.replace("img-src 'self' https: data:", "img-src 'self' data:")


def policy_for(path: str) -> str:
    if path.startswith("/api/schema/"):
        return API_DOCS
    return VENDORED if path.startswith(VENDORED_PREFIXES) else STRICT


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            response["Content-Security-Policy"] = policy_for(request.path)
        return response


NUL_REFUSED = "Invalid character in the request"


class RefuseNulMiddleware:
    """A NUL character in the path or query is no name, key or parameter of ours, and PostgreSQL
    refuses NUL in text (a DataError, so a 500, from the first lookup that used it): refuse it
    up front on every face, in the face's format (web pages get a plain 400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            from registry.errors import face_error

            return face_error(request, 400, NUL_REFUSED) or HttpResponseBadRequest(
                NUL_REFUSED, content_type="text/plain"
            )
        return self.get_response(request)


MAX_QUERY_STRING = 4096  # bytes as sent (percent-encoded); the Luanti client sends about 150
QUERY_TOO_LONG = f"Query string too long: at most {MAX_QUERY_STRING} bytes"


class QueryStringLimitMiddleware:
    """Bound the whole query string of every face, so no parameter, whichever view reads it, is
    longer than this (the Package Query form bounds each of its parameters far lower, with
    messages that name them). A longer one is 414 in the face's format, before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            from registry.errors import face_error

            return face_error(request, 414, QUERY_TOO_LONG) or HttpResponse(
                QUERY_TOO_LONG, status=414, content_type="text/plain"
            )
        return self.get_response(request)
