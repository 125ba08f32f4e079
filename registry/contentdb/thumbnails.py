"""Screenshot files and their thumbnails, served so that no browser runs them.

`/uploads/screenshots/<file>` serves the stored upload and `/thumbnails/<level>/screenshots/<file>`
a thumbnail (ContentDB's levels 1-4; other levels 403 as ContentDB). The newest Luanti client
rewrites a `.webp`/`.jpeg` URL to `.png` and `/uploads/` to `/thumbnails/2/` (research/luanti-client.md
section 5), so a thumbnail may be asked for in any of png/jpg/webp whatever the upload's format.
Thumbnails are rendered on their first request and stored (media_tools.thumbnails).

Every answer names its real image type and carries `X-Content-Type-Options: nosniff` and a CSP
sandbox, so even a crafted file is never sniffed into HTML or script.
"""

import re

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from media_tools.models import Screenshot
from media_tools.thumbnails import CONTENT_TYPES, EXTENSIONS, LEVELS, stored_thumbnail

FILE = re.compile(r"(?P<stem>[A-Za-z0-9_-]{1,64})\.(?P<ext>[A-Za-z]{3,4})")
ONE_WEEK = 604800


def _image_response(data: bytes, extension: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={ONE_WEEK}"
    return response


def _screenshot(file: str) -> tuple[Screenshot, str]:
    """The screenshot whose stored name has this stem, and the wanted output extension."""
    match = FILE.fullmatch(file)
    if not match or match["ext"].lower() not in EXTENSIONS:
        raise Http404("No such image")
    shot = Screenshot.objects.filter(file__startswith=f"screenshots/{match['stem']}.").first()
    if shot is None:
        raise Http404("No such image")
    return shot, EXTENSIONS[match["ext"].lower()]


@require_GET
def screenshot_file(request: HttpRequest, file: str) -> HttpResponse:
    shot, extension = _screenshot(file)
    stored_extension = shot.file.name.rsplit(".", 1)[-1]
    if extension != stored_extension:
        raise Http404("No such image")
    with default_storage.open(shot.file.name, "rb") as stored:
        return _image_response(stored.read(), extension)


@require_GET
def thumbnail(request: HttpRequest, level: int, file: str) -> HttpResponse:
    if level not in LEVELS:
        return HttpResponse("Unknown thumbnail level", status=403, content_type="text/plain")
    shot, extension = _screenshot(file)
    data = stored_thumbnail(name=shot.file.name, level=level, extension=extension)
    return _image_response(data, extension)
