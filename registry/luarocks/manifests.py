"""Manifest views: `/manifest[-5.x][.zip|.json]`, the same under `/dev/` and `/manifests/<user>/`.

Every route answers GET and HEAD with the same headers (`require_safe`, research/luarocks.md trap 16):
the client caches a manifest for 60 s, then sends HEAD and refetches only if Last-Modified changed.
Conditional GETs (If-None-Match / If-Modified-Since) get 304.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from accounts.selectors import user_by_username
from registry.luarocks.manifest_cache import BuiltManifest, get_manifest
from releases.manifests import ManifestScope

# Proxies and browsers may keep a manifest briefly but must revalidate: writes show up at once.
CACHE_CONTROL = "public, max-age=0, must-revalidate"


def manifest_response(request: HttpRequest, built: BuiltManifest) -> HttpResponse:
    use_gzip = built.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    body = built.gzipped if use_gzip else built.body
    etag = built.etag[:-1] + '-gz"' if use_gzip else built.etag
    # HEAD gets the GET headers without the body (Django's handlers drop a HEAD body anyway)
    response = HttpResponse(b"" if request.method == "HEAD" else body)
    response["Content-Type"] = built.content_type
    response["Content-Length"] = str(len(body))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built.last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    if built.gzipped is not None:
        patch_vary_headers(response, ["Accept-Encoding"])
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    return get_conditional_response(
        request, etag=etag, last_modified=built.last_modified, response=response
    )


def _serve(request: HttpRequest, scope: ManifestScope, lua: str | None, fmt: str | None):
    built = get_manifest(scope=scope, lua_version=lua, fmt=fmt or "lua")
    return manifest_response(request, built)


@require_safe
def root_manifest(request: HttpRequest, lua: str | None = None, fmt: str | None = None):
    return _serve(request, ManifestScope.root(), lua, fmt)


@require_safe
def dev_manifest(request: HttpRequest, lua: str | None = None, fmt: str | None = None):
    return _serve(request, ManifestScope.dev(), lua, fmt)


@require_safe
def user_manifest(
    request: HttpRequest, username: str, lua: str | None = None, fmt: str | None = None
):
    user = user_by_username(username=username)
    if user is None:
        raise Http404("No such user")
    return _serve(request, ManifestScope.user(user.pk), lua, fmt)


@require_safe
def dev_redirect(request: HttpRequest):
    return HttpResponseRedirect("/dev/manifest")


@require_safe
def user_redirect(request: HttpRequest, username: str):
    user = user_by_username(username=username)
    if user is None:
        raise Http404("No such user")
    return HttpResponseRedirect(f"/manifests/{user.username}/manifest")
