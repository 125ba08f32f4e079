"""Content-Security-Policy for HTML answers (Django sets HSTS, nosniff and frame options itself).

Web pages get a self-only policy: no inline script or style, no plugins, no framing. Our templates
keep every script and style in static files. Two families of pages carry vendored code that writes
inline styles at run time, so they may use inline *styles* (never inline scripts): Django's admin
and the API documentation (Swagger UI, Redoc; Redoc also runs a blob: worker).

Images may come from https: and data: URLs: package descriptions show images hosted elsewhere, as
ContentDB's do. API answers are JSON and files are served with their own headers (downloads as
attachments; screenshots with `default-src 'none'; sandbox`), so this policy is only set on HTML.
"""

from django.http import HttpRequest, HttpResponse

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


def policy_for(path: str) -> str:
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
