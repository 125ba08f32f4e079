"""Rockspec and rock downloads: `/<file>`, `/dev/<file>` (root packages) and `/manifests/<user>/<file>`.

The bytes come straight from storage (luarocks follows only 301/302 on downloads, docs/protocols/luarocks.md trap 17). ETag is
the file's sha256 and Last-Modified its last write, so an overwritten rockspec is served fresh at once
and clients that revalidate with HEAD see the change.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe

from accounts.addresses import client_address
from accounts.selectors import user_by_username
from releases.downloads import count_download
from releases.manifests import ManifestScope, file_for_download
from releases.models import FileKind, ReleaseFile

CONTENT_TYPES: dict[str, str] = {
    FileKind.ROCKSPEC: "text/x-rockspec",
    FileKind.ROCK: "application/x-rock",
}
# Which downloads count (docs/protocols/luarocks.md 3.4): the client's own fetchers, not browsers.
COUNTED_AGENTS = ("luarocks", "luasocket", "wget", "curl")
CACHE_CONTROL = "public, max-age=0, must-revalidate"


def is_counted_agent(user_agent: str) -> bool:
    agent = user_agent.lower()
    return any(word in agent for word in COUNTED_AGENTS)


def file_response(request: HttpRequest, release_file: ReleaseFile) -> HttpResponseBase:
    etag = f'"{release_file.sha256[:32]}"'
    last_modified = int(release_file.updated_at.timestamp())
    headers = {
        "Content-Type": CONTENT_TYPES.get(release_file.kind, "application/octet-stream"),
        "Content-Length": str(release_file.size),
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": CACHE_CONTROL,
        "Content-Disposition": content_disposition_header(True, release_file.filename),
    }
    placeholder = HttpResponse(headers=headers)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=placeholder
    )
    if conditional is None:  # only without a response to fall back on
        return placeholder
    if conditional is not placeholder or request.method == "HEAD":
        return conditional  # 304/412, or HEAD: the GET headers without opening the file
    try:
        handle = default_storage.open(release_file.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404("File missing from storage") from error
    content_type = headers.pop("Content-Type")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=release_file.filename,
        content_type=content_type,
        headers=headers,
    )
    if is_counted_agent(request.headers.get("User-Agent", "")):
        count_download(release_file=release_file, client=client_address(request))
    return response


def _serve(request: HttpRequest, scope: ManifestScope, filename: str) -> HttpResponseBase:
    release_file = file_for_download(scope=scope, filename=filename)
    if release_file is None:
        raise Http404("No such file")
    return file_response(request, release_file)


@require_safe
def root_file(request: HttpRequest, filename: str):
    return _serve(request, ManifestScope.root(), filename)


@require_safe
def user_file(request: HttpRequest, username: str, filename: str):
    user = user_by_username(username=username)
    if user is None:
        raise Http404("No such user")
    return _serve(request, ManifestScope.user(user.pk), filename)
