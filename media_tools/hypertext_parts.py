"""Building blocks of the hypertext converter: escaping, URL and size checks, its stack entries."""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

MAX_INDENT_LEVELS = 10  # deeper lists and quotes are indented like the tenth level
MAX_URL_LENGTH = 2048
MAX_IMAGE_SIDE = 2048  # pixels; larger or malformed sizes fall back to the default
DEFAULT_IMAGE_SIDE = 128  # ContentDB's default when the HTML gives no size

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tab and line ends anywhere in a URL (WHATWG URL parser), so `java\tscript:` is
# `javascript:` to them; remove them first, then refuse what still holds a control or a space.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SIZE = re.compile(r"^\s*(\d{1,4})(?:px)?\s*$", re.IGNORECASE)


def escape(text: str) -> str:
    """Escape text for the hypertext markup only (the client does the formspec escaping)."""
    return text.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")


def safe_url(raw: str | None, *, base: str | None, allow_mailto: bool) -> str | None:
    """The URL to hand to the client, or None when it is empty, malformed or not http(s)/mailto."""
    if not raw:
        return None
    url = _URL_IGNORED.sub("", raw).strip(" \x00\x0b\x0c")
    if not url or len(url) > MAX_URL_LENGTH or _URL_FORBIDDEN.search(url):
        return None
    if base:
        url = urljoin(base, url)
    # Also judge the scheme of the text with entities decoded again: bleach re-escapes an `&` it
    # did not decode (`javascript&colon;` arrives as `javascript&amp;colon;`), and a target is
    # refused if either reading of it names a scheme we do not open.
    allowed = LINK_SCHEMES if allow_mailto else IMAGE_SCHEMES
    decoded = url
    for _ in range(3):
        again = _URL_IGNORED.sub("", html.unescape(decoded)).strip(" \x00\x0b\x0c")
        if again == decoded:
            break
        decoded = again
    for reading in {url, decoded}:
        match = _SCHEME.match(reading)
        if match and match.group(1).lower() not in allowed:
            return None
        if not match and ":" in reading.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
            return None  # `a:b` with a character no scheme may hold: not a relative URL either
    return url


def image_dimensions(attributes: dict[str, str]) -> list[tuple[str, int]]:
    """Validated `width`/`height` pairs: integers in 1..MAX_IMAGE_SIDE, never the raw attribute.

    Both missing or invalid: ContentDB's 128x128. One valid: only that one (the client keeps the
    texture's aspect ratio).
    """
    sizes = []
    for key in ("width", "height"):
        match = _SIZE.match(attributes.get(key) or "")
        if match and 1 <= int(match.group(1)) <= MAX_IMAGE_SIDE:
            sizes.append((key, int(match.group(1))))
    return sizes or [("width", DEFAULT_IMAGE_SIDE), ("height", DEFAULT_IMAGE_SIDE)]


@dataclass(eq=False)
class Tag:
    """A tag of the output. Written lazily, with the first visible text inside it."""

    name: str
    url: str | None = None  # for an action: the link it opens
    action: str | None = None  # the generated action name, once written
    written: bool = False

    def markup(self) -> str:
        if self.name == "action":
            return f"<action name={self.action}>"
        return f"<{self.name}>"


@dataclass(eq=False)
class Element:
    """An open element of the input that changes the output."""

    name: str
    kind: str | None = None  # list, li, quote, pre, table, row, cell: a context for what is inside
    after: int = 0  # the break owed when it ends (LINE or BLOCK)
    ordered: bool = False
    counter: int = 0  # list item number, or cell count of a row
    fresh: bool = False  # pre: nothing written yet (its first line end is dropped)
    tags: list[Tag] = field(default_factory=list)
