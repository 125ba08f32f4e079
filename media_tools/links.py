"""Which stored URLs may become links: http and https ones, nothing else.

A link's scheme decides what a click does: `javascript:` runs script in the page's origin, `data:`
opens a document the attacker wrote. URLs typed by authors (package links, profile links) or read
from uploaded files (a rockspec's `homepage`) are checked when they are written (`validate_web_url`,
on the model fields and in the services) and again when a page renders them (the `web_url` filter
and `external_link` tag in registry/web/templatetags/safe_links.py), so a row written before the check,
or by a path that skipped it, still never renders as a live link.

A URL passes when it starts with `http://` or `https://` (any case) and Django's URLValidator takes
it with those schemes: no whitespace or control characters anywhere (browsers drop tabs and newlines
inside URLs, so `java\\tscript:` would be `javascript:` to them), a real host.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

WEB_SCHEMES = ("http", "https")
NOT_A_WEB_URL = "Enter a web address starting with http:// or https://."

_validator = URLValidator(schemes=list(WEB_SCHEMES), message=NOT_A_WEB_URL)


def is_web_url(value: object) -> bool:
    if not isinstance(value, str) or not value.lower().startswith(("http://", "https://")):
        return False
    try:
        _validator(value)
    except ValidationError:
        return False
    return True


def validate_web_url(value: str) -> None:
    """A model-field and form validator (blank values are the field's own business)."""
    if value and not is_web_url(value):
        raise ValidationError(NOT_A_WEB_URL, code="not_web_url")  # not "invalid": forms would
        # show their own generic message for that code instead of this one


YOUTUBE_HOSTS = ("youtube.com", "m.youtube.com")
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]+")


def youtube_video_id(url: str | None) -> str | None:
    """The video id of a YouTube watch link (`youtube.com/watch?v=ID`, also `www.` and `m.`) or a
    short link (`youtu.be/ID`); None for any other URL. ContentDB stores such links in one form
    and shows their thumbnails."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    video: str | None = None
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif host in YOUTUBE_HOSTS and parts.path == "/watch":
        video = next(iter(parse_qs(parts.query).get("v", [])), None)
    return video if video and YOUTUBE_ID.fullmatch(video) else None
