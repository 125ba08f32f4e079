"""Screenshot files and their thumbnails, served so that no browser runs them.

`/uploads/screenshots/<file>` serves the stored upload and `/thumbnails/<level>/screenshots/<file>`
a thumbnail (ContentDB's levels 1-4; other levels 403 as ContentDB). The newest Luanti client
rewrites a `.webp`/`.jpeg` URL to `.png` and `/uploads/` to `/thumbnails/2/` (docs/protocols/luanti-client.md
section 5), so a thumbnail may be asked for in any of png/jpg/webp whatever the upload's format.
Thumbnails are rendered on their first request and stored (media_tools.thumbnails).

Every answer names its real image type and carries `X-Content-Type-Options: nosniff` and a CSP
sandbox, so even a crafted file is never sniffed into HTML or script.

An image is a part of its package and follows the package's visibility rule (`can()`): a deleted
package's images are gone for everyone below moderator, an unapproved package's or an unapproved
screenshot's are for the package's people and staff only. Only what the public may see is served
with a public Cache-Control; anything else is `private, no-store`, so no shared cache keeps it.
"""

import re

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from media_tools.thumbnails import (
    CONTENT_TYPES,
    EXTENSIONS,
    LEVELS,
    stored_thumbnail,
    thumbnail_name,
)
from packages.models import Screenshot
from packages.permissions import Action, can

FILE = re.compile(r"(?P<stem>[A-Za-z0-9_-]{1,64})\.(?P<ext>[A-Za-z]{3,4})")
ONE_WEEK = 604800


def _image_response(data: bytes, extension: str, *, public: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={ONE_WEEK}" if public else "private, no-store"
    return response


def _visible_screenshot(request: HttpRequest, stem: str) -> tuple[Screenshot, bool]:
    """The screenshot stored as `screenshots/<stem>.*` if the viewer may see it, and whether
    everybody may; 404 otherwise (a hidden image looks like a missing one)."""
    names = [f"screenshots/{stem}.{extension}" for extension in CONTENT_TYPES]
    shot = Screenshot.objects.select_related("package").filter(file__in=names).first()
    if shot is None:
        raise Http404("No such image")
    package = shot.package
    if not can(request.user, Action.VIEW_PACKAGE, package):
        raise Http404("No such image")
    # the faces show unapproved screenshots to whoever may edit the package (PackageView)
    if not shot.approved and not can(request.user, Action.EDIT_PACKAGE, package):
        raise Http404("No such image")
    return shot, shot.approved and package.is_approved


def _parse(file: str) -> tuple[str, str]:
    """(stem, wanted extension) of `<stem>.<ext>`, or 404."""
    match = FILE.fullmatch(file)
    if not match or match["ext"].lower() not in EXTENSIONS:
        raise Http404("No such image")
    return match["stem"], EXTENSIONS[match["ext"].lower()]


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


@require_GET
def screenshot_file(request: HttpRequest, file: str) -> HttpResponse:
    # Stored names are random and carry the image's real format, so a stored file is served as
    # is; a deleted screenshot's file is removed when its deletion commits.
    stem, extension = _parse(file)
    shot, public = _visible_screenshot(request, stem)
    name = f"screenshots/{stem}.{extension}"
    data = _read(name) if file.endswith(f".{extension}") and shot.file.name == name else None
    if data is None:
        raise Http404("No such image")
    return _image_response(data, extension, public=public)


@require_GET
def thumbnail(request: HttpRequest, level: int, file: str) -> HttpResponse:
    if level not in LEVELS:
        return HttpResponse("Unknown thumbnail level", status=403, content_type="text/plain")
    stem, extension = _parse(file)
    shot, public = _visible_screenshot(request, stem)
    data = _read(thumbnail_name(f"screenshots/{stem}", level, extension))
    if data is None:  # first request: render from the screenshot, whatever its own format
        data = stored_thumbnail(name=shot.file.name, level=level, extension=extension)
    return _image_response(data, extension, public=public)
