"""Manifest views: `/manifest[-5.x][.zip|.json]`, the same under `/dev/` and `/manifests/<user>/`.

Every route answers GET and HEAD with the same headers (`require_safe`, docs/protocols/luarocks.md trap 16):
the client caches a manifest for 60 s, then sends HEAD and refetches only if Last-Modified changed.
Conditional GETs (If-None-Match / If-Modified-Since) get 304.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from accounts.selectors import user_by_username
from registry.common.replay import mark_replayable
from registry.luarocks.manifest_cache import BuiltManifest, manifest_and_proof
from releases.manifests import ManifestScope

# Proxies and browsers may keep a manifest briefly but must revalidate: writes show up at once.
CACHE_CONTROL = "public, max-age=0, must-revalidate"


def manifest_response(request: HttpRequest, built: BuiltManifest, *, varies: bool) -> HttpResponse:
    # HEAD gets the GET headers without the body (Django's handlers drop a HEAD body anyway)
    response = HttpResponse(b"" if request.method == "HEAD" else built.body)
    response["Content-Type"] = built.content_type
    response["Content-Length"] = str(len(built.body))
    response["ETag"] = built.etag
    response["Last-Modified"] = http_date(built.last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    if built.content_encoding:
        response["Content-Encoding"] = built.content_encoding
    if varies:
        patch_vary_headers(response, ["Accept-Encoding"])
    conditional = get_conditional_response(
        request, etag=built.etag, last_modified=built.last_modified, response=response
    )
    return conditional or response


def _serve(request: HttpRequest, scope: ManifestScope, lua: str | None, fmt: str | None):
    fmt = fmt or "lua"
    varies = fmt != "zip"  # the Lua and JSON forms also come gzip-encoded to clients that ask
    wants_gzip = varies and "gzip" in request.headers.get("Accept-Encoding", "")
    built, proof = manifest_and_proof(scope=scope, lua_version=lua, fmt=fmt, gzipped=wants_gzip)
    # Replayable in front of Django (registry/common/replay.py) while the generation and this variant's
    # pointer (manifest_cache._get) still name exactly this build.
    return mark_replayable(manifest_response(request, built, varies=varies), proof)


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
