"""Markdown written by strangers (long descriptions, release notes, reviews) to safe HTML.

Pipeline: bound the nesting, Python-Markdown (fenced code, tables, sane lists, pymdownx magiclink for
bare URLs), then bleach against the explicit allow-lists below; every link gets `rel="nofollow ugc"`.
Security rests on bleach's allow-list alone; the passes before it only keep the output readable and
the time bounded.

Bounded time: Python-Markdown and bleach are pure Python, and their cost grows faster than the size of
the text (measured: 64 KiB renders in about 0.5 s, 1 MiB in about 28 s; 2,000 nested list levels make
Python-Markdown recurse for over a minute). So:
- sources longer than MAX_SOURCE_LENGTH characters are refused where they come in
  (`ensure_renderable`, used by the API) and truncated where they are already stored
  (`render_markdown` renders the first MAX_SOURCE_LENGTH characters and says so);
- the line prefixes that nest blocks (indentation, `>`, list markers) are capped at MAX_NESTING levels.

Rendered HTML is cached under a hash of the source and RENDERER_VERSION: it is re-rendered only when
the source text (or this renderer) changes, for any object that holds the text.
"""

import functools
import hashlib
import html as html_lib
import re

import bleach
import markdown as markdown_lib
from bleach.html5lib_shim import Filter  # type: ignore[attr-defined]  # re-exported by bleach, missing from types-bleach
from django.core.cache import cache

from media_tools.bounded import run_bounded
from media_tools.errors import MarkupTooLarge

# Bump when the output for the same source changes (new extension, allow-list change).
RENDERER_VERSION = 1

MAX_SOURCE_LENGTH = 64 * 1024  # characters
MAX_NESTING = 16  # levels of lists/quotes a line may open; deeper markers are dropped
MAX_INDENT = 4 * MAX_NESTING  # columns of leading whitespace kept
CACHE_TIMEOUT = 30 * 24 * 3600  # keys are content hashes, so an old entry is never wrong

TRUNCATED_NOTE = "(The text was cut here: it is longer than {limit} characters.)"

EXTENSIONS = ["fenced_code", "tables", "sane_lists", "pymdownx.magiclink"]
EXTENSION_CONFIGS = {
    # `align` instead of an inline style attribute, which the allow-list refuses
    "tables": {"use_align_attribute": True},
    "pymdownx.magiclink": {"hide_protocol": False},
}

ALLOWED_TAGS = frozenset(
    {
        *(f"h{n}" for n in range(1, 7)),
        "p", "br", "hr", "div", "span",
        "ul", "ol", "li",
        "pre", "code", "kbd", "samp",
        "blockquote", "details", "summary",
        "strong", "b", "em", "i", "u", "del", "s", "sup", "sub", "mark",
        "a", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})  # applies to href and src; no data:

_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")
_ALIGN = frozenset({"left", "right", "center"})


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        return name in {"src", "alt", "title", "width", "height"}
    if tag in {"th", "td"}:
        return name == "align" and value in _ALIGN
    if tag == "ol":
        return name == "start" and value.isdigit()
    if tag == "code":  # fenced code blocks name their language
        return name == "class" and bool(_LANGUAGE_CLASS.match(value))
    return False


class _NofollowUgcFilter(Filter):
    """Marks every surviving link as user content that search engines should not credit."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                token["data"][(None, "rel")] = "nofollow ugc"
            yield token


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_NofollowUgcFilter],
)

# Cosmetic only (bleach does the security): drop the content of elements whose text is not prose,
# so that `<script>alert(1)</script>` leaves nothing behind instead of the words `alert(1)`.
_NON_PROSE = re.compile(
    r"<(script|style|template|noscript|iframe|object|svg|math|textarea|title)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)

# The nesting prefix of a line: whitespace, `>` quote markers and list markers.
_PREFIX_TOKEN = re.compile(r"[ \t]+|>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_PREFIX = re.compile(rf"(?:{_PREFIX_TOKEN.pattern})*")


def ensure_renderable(text: str) -> None:
    """Refuse a source the renderer would not convert in bounded time (raises MarkupTooLarge)."""
    if len(text) > MAX_SOURCE_LENGTH:
        raise MarkupTooLarge(limit=MAX_SOURCE_LENGTH)


def render_markdown(text: str | None) -> str:
    """Safe HTML for `text`, from the cache when this exact source was rendered before.

    Rendering is time-bounded (`media_tools.bounded`): a source that does not render in time is
    shown as escaped plain paragraphs instead, and that answer is cached like any other.
    """
    if not text:
        return ""
    key = f"markdown:v{RENDERER_VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        _warm_up()  # so that a forked child does not import the extensions itself
        html = run_bounded(render_markdown_uncached, text, size=len(text))
        if html is None:
            html = plain_text_html(text[:MAX_SOURCE_LENGTH])
        cache.set(key, html, CACHE_TIMEOUT)
    return html


def plain_text_html(text: str) -> str:
    """The fallback: paragraphs of escaped text, line breaks kept. Linear, and safe as it is."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return "\n".join(
        "<p>{}</p>".format(html_lib.escape(paragraph).replace("\n", "<br>\n"))
        for paragraph in paragraphs
        if paragraph
    )


@functools.cache
def _warm_up() -> None:
    markdown_lib.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def render_markdown_uncached(text: str) -> str:
    truncated = len(text) > MAX_SOURCE_LENGTH
    if truncated:
        text = text[:MAX_SOURCE_LENGTH]
    text = defuse_links(bound_nesting(text.replace("\r\n", "\n").replace("\r", "\n")))
    html = markdown_lib.markdown(
        text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    html = clean_html(html)
    if truncated:
        html += f"\n<p><em>{TRUNCATED_NOTE.format(limit=MAX_SOURCE_LENGTH)}</em></p>"
    return html


def clean_html(html: str) -> str:
    """Sanitise any HTML against the allow-lists (also for HTML that did not come from Markdown)."""
    return _CLEANER.clean(_NON_PROSE.sub("", html))


def bound_nesting(text: str) -> str:
    """Cap each line's nesting prefix at MAX_NESTING markers and MAX_INDENT columns.

    Python-Markdown re-parses a nested block once per level, so deep nesting costs it time
    quadratic in the depth (and a RecursionError past about a thousand list levels). Lines within
    the caps are returned unchanged (so is code indented less than MAX_INDENT columns); deeper
    markers are dropped, the line's text is kept.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        prefix = _PREFIX.match(line)
        prefix_end = prefix.end() if prefix else 0  # the pattern matches every line (all optional)
        if prefix_end <= MAX_NESTING:  # too short to hold more markers or columns than allowed
            continue
        kept: list[str] = []
        markers, columns, dropping = 0, 0, False
        for match in _PREFIX_TOKEN.finditer(line, 0, prefix_end):
            token = match.group()
            if token[0] in " \t" and dropping:
                continue  # the space after a dropped marker goes with it
            if token[0] in " \t":
                width = min(len(token.expandtabs(4)), MAX_INDENT - columns)
                if kept and kept[-1][0] not in " \t":
                    width = max(width, 1)  # a marker needs the space that follows it
                columns += width
                kept.append(" " * width)
            else:
                markers += 1
                dropping = markers > MAX_NESTING
                if not dropping:
                    kept.append(token)
        lines[index] = "".join(kept) + line[prefix_end:]
    return "\n".join(lines)


# Python-Markdown looks for the end of a link by scanning forward from each `[` (and from each `](`)
# to the matching bracket, or to the end of the block when there is none: unmatched or deeply
# nested brackets cost time quadratic in the block's length (measured: 2,000 unmatched `[` take
# 3 s, 10,000 nested ones over 4 minutes). The cost is estimated in one pass; when a document's
# total passes LINK_SCAN_BUDGET, the brackets of its costliest blocks are escaped (shown as text).
LINK_SCAN_BUDGET = 300_000  # characters scanned; about 0.3 s. Real documents use a few thousand.
_LINK_TOKEN = re.compile(r"\\.|\]\(|[\[\]()]", re.DOTALL)
_BRACKET = re.compile(r"(\\.)|([\[\]])", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def defuse_links(text: str) -> str:
    """Escape the brackets of the blocks that would make link parsing slow (see above)."""
    blocks = _inline_blocks(text)
    costs = sorted(((_link_scan_cost(text, start, end), start, end) for start, end in blocks))
    total = sum(cost for cost, _, _ in costs)
    defused = []
    while costs and total > LINK_SCAN_BUDGET:
        cost, start, end = costs.pop()
        total -= cost
        defused.append((start, end))
    for start, end in sorted(defused, reverse=True):
        block = _BRACKET.sub(lambda m: m.group(1) or "\\" + m.group(2), text[start:end])
        text = text[:start] + block + text[end:]
    return text


def _inline_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text between blank lines, outside fenced code (which is never parsed for links)."""
    blocks, start, position, fence = [], None, 0, None
    for line in text.split("\n"):
        end = position + len(line)
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
        elif marker:
            if start is not None:
                blocks.append((start, position))
                start = None
            fence = marker.group(1)
        elif not line.strip():
            if start is not None:
                blocks.append((start, position))
                start = None
        elif start is None:
            start = position
        position = end + 1
    if start is not None:
        blocks.append((start, len(text)))
    return blocks


def _link_scan_cost(text: str, start: int, end: int) -> int:
    cost = 0
    brackets: list[int] = []
    parens: list[tuple[int, bool]] = []
    for match in _LINK_TOKEN.finditer(text, start, end):
        mark, at = match.group(), match.start()
        if mark[0] == "\\":
            continue
        if mark == "](":
            if brackets:
                cost += at - brackets.pop()
            parens.append((at + 1, True))
        elif mark == "[":
            brackets.append(at)
        elif mark == "]":
            if brackets:
                cost += at - brackets.pop()
        elif mark == "(":
            parens.append((at, False))
        elif parens:  # ")"
            opened, after_link = parens.pop()
            if after_link:
                cost += at - opened
    cost += sum(end - at for at in brackets)
    cost += sum(end - at for at, after_link in parens if after_link)
    return cost
