"""HTML (from `media_tools.markdown`, or posted directly) to Luanti Markup Language.

The Luanti client shows package descriptions in a `hypertext[]` formspec element
(docs/protocols/luanti-client.md section 4): it prepends `head`, applies `core.formspec_escape` to the
whole string itself, opens `links[name]` when the player clicks `<action name=...>`, and replaces
`<img name=blank.png ` with its own blank texture (used here to indent list items and quotes).

So this module:
- escapes text for the markup only: `\\` -> `\\\\`, `<` -> `\\<`, `>` -> `\\>` (never `[`, `]`, `;`, `,`,
  which the client escapes; doing it here would show stray backslashes to players);
- writes every tag itself, with values it generated (`link_3`, `image_0`) or validated integers
  (image width/height); nothing from the input is ever copied inside a tag;
- walks the input with the stdlib tokenizer and an explicit stack (no recursion: 10,000 nested
  levels are fine) in one pass, linear on well-formed HTML such as `media_tools.markdown`'s
  output; HTML from outside goes through `posted_html_to_hypertext`, which bounds its CPU time
  (the stdlib tokenizer is quadratic on some malformed input, see `media_tools.bounded`);
- keeps its output balanced and properly nested: every tag it opens is closed in reverse order,
  and a tag opened for an element that ends up empty is never written.

What is supported, and what is dropped, is listed in SUPPORTED and DROPPED below (and in the note
on the rendering issue). `formspec_version` 1 (Minetest before 5.1.0) has no `hypertext[]` element:
the body is then plain text (no tags, no escaping, link targets in parentheses) and `head` is empty.
"""

import hashlib
import re
from collections.abc import Callable
from typing import TypedDict

from django.core.cache import cache

from media_tools.bounded import run_bounded
from media_tools.hypertext_converter import Converter
from media_tools.markdown import CACHE_TIMEOUT, RENDERER_VERSION, plain_text_html, render_markdown

HEAD = "<tag name=code color=#7bf font=mono><tag name=action color=#4CDAFA hovercolor=#97EAFC>"
HYPERTEXT_FORMSPEC_VERSION = 2  # hypertext[] came with formspec version 2 (Minetest 5.1.0)

SUPPORTED = (
    "headings (h1-h2 big, h3-h6 bold), paragraphs, line breaks, bold, italic, underline, inline "
    "code, code blocks (monospace, line breaks and indentation kept), kbd/samp/tt (monospace), "
    "bulleted and numbered lists (nested, `start` honoured), block quotes (indented, italic), "
    "horizontal rules, links (http, https, mailto, relative; `links` + `<action>`), images "
    "(`<img>` with validated size, or a link when include_images is false), tables (one line "
    "per row, cells separated by ` | `, header cells bold)"
)
DROPPED = (
    "script, style, template, svg, math, iframe, object, noscript, textarea and title, with their "
    "content; every attribute except href, src, alt, title, width, height and ol start; links and "
    "images with other URL schemes (javascript:, data:, vbscript:, file:...; their text is kept); "
    "strike-through, superscript, subscript, colours, fonts, alignment, classes and ids (text kept); "
    "a link inside a link (text kept); forms, comments, doctype and CDATA"
)

_NAME_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


def posted_html_to_hypertext(
    html: str, *, formspec_version: int, include_images: bool = True, base_url: str | None = None
) -> dict:
    """`html_to_hypertext` for HTML from outside (POST /api/hypertext/), with bounded time.

    The stdlib tokenizer is linear on well-formed HTML (what `media_tools.markdown` produces) but
    not on every malformed input; such input that does not convert in time is shown as its own
    escaped source text.
    """
    options: _Options = {
        "formspec_version": formspec_version,
        "include_images": include_images,
        "base_url": base_url,
    }
    answer = run_bounded(_convert, html, options, size=len(html))
    return answer if answer is not None else html_to_hypertext(plain_text_html(html), **options)


class _Options(TypedDict):
    formspec_version: int
    include_images: bool
    base_url: str | None


def _convert(html: str, options: _Options) -> dict:
    return html_to_hypertext(html, **options)


def html_to_hypertext(
    html: str,
    *,
    formspec_version: int,
    include_images: bool = True,
    base_url: str | None = None,
    link_prefix: str = "link_",
    image_prefix: str | None = None,
) -> dict:
    """`{"head", "body", "links", "images", "image_tooltips"}` for `html`.

    Relative link and image URLs are resolved against `base_url` when given (the package's page),
    and left relative otherwise. `link_prefix`/`image_prefix` name the actions (`link_0`, ...);
    with a custom `link_prefix` (`review_7_`) images default to `review_7_image_`, so that the
    objects of several texts can be merged without two actions of the same name.
    """
    image_prefix = _image_prefix(link_prefix, image_prefix)
    if not (_NAME_PREFIX.match(link_prefix) and _NAME_PREFIX.match(image_prefix)):
        raise ValueError("action name prefixes must match [a-z][a-z0-9_]*")
    converter = Converter(
        plain=formspec_version < HYPERTEXT_FORMSPEC_VERSION,
        include_images=include_images,
        base_url=base_url,
        link_prefix=link_prefix,
        image_prefix=image_prefix,
    )
    converter.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
    converter.close()
    return {"head": "" if converter.plain else HEAD, **converter.result()}


HYPERTEXT_VERSION = 1  # bump when the output for the same HTML changes


def markdown_to_hypertext(
    text: str | None,
    *,
    formspec_version: int,
    include_images: bool = True,
    base_url: str | None = None,
    link_prefix: str = "link_",
    image_prefix: str | None = None,
) -> dict:
    """Markdown (a long description, a review) as a hypertext object, cached by its source.

    A stored text longer than the renderer's limit is cut there (see `media_tools.markdown`).
    """
    image_prefix = _image_prefix(link_prefix, image_prefix)
    key = _markdown_key(
        text,
        formspec_version=formspec_version,
        include_images=include_images,
        base_url=base_url,
        link_prefix=link_prefix,
        image_prefix=image_prefix,
    )
    answer = cache.get(key)
    if answer is None:
        answer = html_to_hypertext(
            render_markdown(text),
            formspec_version=formspec_version,
            include_images=include_images,
            base_url=base_url,
            link_prefix=link_prefix,
            image_prefix=image_prefix,
        )
        cache.set(key, answer, CACHE_TIMEOUT)
    return answer


def _markdown_key(
    text: str | None,
    *,
    formspec_version: int,
    include_images: bool,
    base_url: str | None,
    link_prefix: str,
    image_prefix: str,
) -> str:
    plain = formspec_version < HYPERTEXT_FORMSPEC_VERSION
    digest = hashlib.sha256((text or "").encode()).hexdigest()
    options = f"{int(plain)}:{int(include_images)}:{link_prefix}:{image_prefix}:{base_url or ''}"
    options_digest = hashlib.sha256(options.encode()).hexdigest()[:32]
    return f"hypertext:v{HYPERTEXT_VERSION}.{RENDERER_VERSION}:{digest}:{options_digest}"


def posted_hypertext(
    text: str,
    *,
    is_markdown: bool,
    formspec_version: int,
    include_images: bool,
    before_converting: Callable[[], None] = lambda: None,
) -> dict:
    """Posted Markdown or HTML (POST /api/hypertext/) as a hypertext object, cached by the text's
    hash and the options: the same text posted again costs a cache read, not a conversion.

    `before_converting` runs only when a conversion is about to happen; the face counts
    conversions per client address there and raises to refuse one.
    """
    if is_markdown:
        key = _markdown_key(
            text,
            formspec_version=formspec_version,
            include_images=include_images,
            base_url=None,
            link_prefix="link_",
            image_prefix="image_",
        )
    else:
        plain = formspec_version < HYPERTEXT_FORMSPEC_VERSION
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        key = f"hypertext-html:v{HYPERTEXT_VERSION}:{int(plain)}:{int(include_images)}:{digest}"
    answer = cache.get(key)
    if answer is not None:
        return answer
    before_converting()
    if is_markdown:  # caches itself under the same key
        return markdown_to_hypertext(
            text, formspec_version=formspec_version, include_images=include_images
        )
    answer = posted_html_to_hypertext(
        text, formspec_version=formspec_version, include_images=include_images
    )
    cache.set(key, answer, CACHE_TIMEOUT)
    return answer


def _image_prefix(link_prefix: str, image_prefix: str | None) -> str:
    if image_prefix is not None:
        return image_prefix
    return "image_" if link_prefix == "link_" else f"{link_prefix}image_"
