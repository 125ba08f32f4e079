"""The walk behind `media_tools.hypertext.html_to_hypertext`: one linear pass over the stdlib
tokenizer's events, with explicit stacks for open elements and open output tags (no recursion)."""

import re
from html.parser import HTMLParser

from media_tools.hypertext_parts import (
    MAX_INDENT_LEVELS,
    Element,
    Tag,
    escape,
    image_dimensions,
    safe_url,
)

INDENT_PX = 16  # per list or quote level, as ContentDB indents its bullets
RULE = "<center>— — —</center>"
PLAIN_RULE = "— — —"

_SKIPPED = frozenset(
    {"script", "style", "template", "svg", "math", "iframe", "object", "noscript", "textarea",
     "title"}
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
     "track", "wbr"}
)  # fmt: skip
_STYLES = {
    "b": "b", "strong": "b", "i": "i", "em": "i", "cite": "i", "var": "i", "dfn": "i", "u": "u",
    "ins": "u", "code": "code", "kbd": "mono", "samp": "mono", "tt": "mono",
}  # fmt: skip
_HEADINGS = {"h1": "big", "h2": "big", "h3": "b", "h4": "b", "h5": "b", "h6": "b"}
_PARAGRAPHS = frozenset({"p", "dl", "details", "figure", "address", "center", "fieldset", "form"})
_LINES = frozenset(
    {"div", "section", "article", "header", "footer", "main", "nav", "aside", "dt", "dd", "summary",
     "figcaption", "legend", "caption", "tbody", "thead", "tfoot"}
)  # fmt: skip
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# C0 controls (but tab and newline), DEL and the C1 block: invisible, and the client chokes on NUL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

LINE, BLOCK = 1, 2


class Converter(HTMLParser):
    """Feed it HTML, then read `result()`; a new one per conversion."""

    def __init__(self, *, plain, include_images, base_url, link_prefix, image_prefix):
        super().__init__(convert_charrefs=True)
        self.plain = plain
        self.include_images = include_images and not plain
        self.base_url = base_url
        self.link_prefix, self.image_prefix = link_prefix, image_prefix
        self.links: dict[str, str] = {}
        self.images: dict[str, str] = {}
        self.tooltips: dict[str, str] = {}
        self.link_count = self.image_count = 0
        self.out: list[str] = []
        self.wrote = False  # anything visible written yet
        self.at_line_start = True
        self.newlines = 0  # line ends owed before the next visible piece
        self.space = False  # a space owed before the next visible piece on the same line
        self.bullet: str | None = None  # owed at the start of the next line (a list item began)
        self.elements: list[Element] = []  # open HTML elements that matter here
        self.open_counts: dict[str, int] = {}
        self.contexts: list[Element] = []  # open lists, items, quotes, tables, rows, cells, pre
        self.depth = 0  # lists + quotes, for indentation
        self.cells = 0  # open table cells: blocks inside them stay on the row's line
        self.tags: list[Tag] = []  # output tags open (written or owed), innermost last
        self.tag_counts: dict[str, int] = {}
        self.pres: list[Element] = []
        self.skipping: list[str] = []

    # -- result ---------------------------------------------------------------------------------

    def result(self) -> dict:
        while self.elements:
            self._pop_element()
        body = "".join(self.out).strip("\n") + "\n"
        return {
            "body": body,
            "links": self.links,
            "images": self.images,
            "image_tooltips": self.tooltips,
        }

    # -- tokenizer callbacks ----------------------------------------------------------------------

    def handle_starttag(self, name: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or name in _SKIPPED:
            if name in _SKIPPED:
                self.skipping.append(name)
            return
        attributes = {key: value or "" for key, value in attrs}
        if name in _VOID:
            self._void(name, attributes)
            return
        top = self.contexts[-1].kind if self.contexts else None
        if (name == "li" and top == "li") or (name in {"td", "th"} and top == "cell"):
            self._pop_to(self.contexts[-1])  # an unclosed item or cell ends where the next begins
        elif name == "tr" and top == "row":
            self._pop_to(self.contexts[-1])
        elif (
            name == "tr"
            and top == "cell"
            and len(self.contexts) > 1
            and self.contexts[-2].kind == "row"
        ):
            self._pop_to(self.contexts[-2])
        element = Element(name)
        if name in _STYLES:
            self._style(element, _STYLES[name])
        elif name in _HEADINGS:
            self._break(BLOCK)
            self._style(element, _HEADINGS[name])
            element.after = BLOCK
        elif name == "a":
            self._link(element, attributes.get("href"))
        elif name in {"ul", "ol", "menu"}:
            self._break(LINE if top == "li" else BLOCK)
            element.after = LINE if top == "li" else BLOCK
            element.kind = "list"
            element.ordered = name == "ol"
            start = attributes.get("start", "").strip()
            element.counter = int(start) - 1 if start.isdigit() and len(start) < 10 else 0
            self.depth += 1
        elif name == "li":
            self._break(LINE)
            element.kind, element.after = "li", LINE
            lists = [c for c in self.contexts[-1:] if c.kind == "list"]
            if lists and lists[0].ordered:
                lists[0].counter += 1
                self.bullet = f"{lists[0].counter}. "
            else:
                self.bullet = "• "
        elif name == "blockquote":
            self._break(BLOCK)
            element.kind, element.after = "quote", BLOCK
            self.depth += 1
            self._style(element, "i")
        elif name == "pre":
            self._break(BLOCK)
            element.kind, element.after = "pre", BLOCK
            element.fresh = True
            self.pres.append(element)
            self._style(element, "code")
        elif name == "table":
            self._break(BLOCK)
            element.kind, element.after = "table", BLOCK
        elif name == "tr":
            self._break(LINE)
            element.kind, element.after = "row", LINE
        elif name in {"td", "th"}:
            row = self.contexts[-1] if top == "row" else None
            if row is not None:
                if row.counter:
                    self.space = True
                    self._content("|")
                    self.space = True
                row.counter += 1
            element.kind = "cell"
            self.cells += 1
            if name == "th":
                self._style(element, "b")
        elif name in _PARAGRAPHS or name in _LINES:
            level = BLOCK if name in _PARAGRAPHS else LINE
            self._break(level)
            element.after = level
        else:
            return  # not tracked: its text is kept, its end tag ignored
        self._push_element(element)

    def handle_endtag(self, name: str) -> None:
        if self.skipping:
            if name == self.skipping[-1]:
                self.skipping.pop()
            return
        if self.open_counts.get(name):
            for element in reversed(self.elements):
                if element.name == name:
                    self._pop_to(element)
                    break
        elif name == "p":
            self._break(BLOCK)  # a stray `</p>` still ends a paragraph, as in browsers
        elif name == "br":
            self._void("br", {})

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        data = _CONTROLS.sub("", data)
        if self.pres:
            self._pre_text(data)
            return
        for index, piece in enumerate(_HTML_SPACE.split(data)):
            if index:
                self.space = True
            if piece:
                self._content(piece if self.plain else escape(piece))

    # -- elements ---------------------------------------------------------------------------------

    def _push_element(self, element: Element) -> None:
        self.elements.append(element)
        self.open_counts[element.name] = self.open_counts.get(element.name, 0) + 1
        if element.kind:
            self.contexts.append(element)

    def _pop_to(self, element: Element) -> None:
        while self.elements:
            if self._pop_element() is element:
                return

    def _pop_element(self) -> Element:
        element = self.elements.pop()
        self.open_counts[element.name] -= 1
        for tag in reversed(element.tags):
            self._close_tag(tag)
        if element.kind:
            self.contexts.pop()
            if element.kind in {"list", "quote"}:
                self.depth -= 1
            elif element.kind == "cell":
                self.cells -= 1
            elif element.kind == "pre":
                self.pres.pop()
                if not element.fresh:
                    self.newlines = 0  # the code's own trailing line ends are not kept
        if element.after:
            self._break(element.after)
        return element

    def _void(self, name: str, attributes: dict[str, str]) -> None:
        if name == "br":
            if self.cells:
                self.space = True
            elif self.wrote:
                self.newlines = min(self.newlines + 1, 2)
                self.space = False
        elif name == "hr":
            self._break(BLOCK)
            self._content(PLAIN_RULE if self.plain else RULE)
            self._break(BLOCK)
        elif name == "img":
            self._image(attributes)

    # -- links and images ---------------------------------------------------------------------------

    def _inside_link(self) -> bool:
        return bool(self.tag_counts.get("action"))

    def _link(self, element: Element, href: str | None) -> None:
        url = safe_url(href, base=self.base_url, allow_mailto=True)
        if url is None or self._inside_link():
            return  # the text stays, without an action
        self._open_tag(element, Tag("action", url=url))
        self._open_tag(element, Tag("u"))

    def _new_link(self, url: str, *, image: bool = False) -> str:
        if image:
            name = f"{self.image_prefix}{self.image_count}"
            self.image_count += 1
        else:
            name = f"{self.link_prefix}{self.link_count}"
            self.link_count += 1
        self.links[name] = url
        return name

    def _image(self, attributes: dict[str, str]) -> None:
        url = safe_url(attributes.get("src"), base=self.base_url, allow_mailto=False)
        alt = " ".join(_HTML_SPACE.split(_CONTROLS.sub("", attributes.get("alt", "")))).strip()
        tip = alt or " ".join(_CONTROLS.sub("", attributes.get("title", "")).split())
        label = f"Image: {alt}" if alt else "Image"
        if url is None or (self._inside_link() and not self.include_images):
            if alt:  # nothing to show or to open: keep the words
                self._content(alt if self.plain else escape(alt))
            return
        if self.plain:
            self._new_link(url, image=True)
            self._content(f"{label} ({url})")
        elif self.include_images:
            name = f"{self.image_prefix}{self.image_count}"
            self.image_count += 1
            self.images[name] = url
            if tip:
                self.tooltips[name] = tip
            size = "".join(f" {key}={value}" for key, value in image_dimensions(attributes))
            self._content(f"<img name={name}{size}>")
        else:
            name = self._new_link(url, image=True)
            self._content(f"<action name={name}><u>{escape(label)}</u></action>")

    # -- output ---------------------------------------------------------------------------------

    def _style(self, element: Element, name: str) -> None:
        if not self.tag_counts.get(name):  # bold inside bold adds nothing: keeps the output flat
            self._open_tag(element, Tag(name))

    def _open_tag(self, element: Element, tag: Tag) -> None:
        element.tags.append(tag)
        self.tags.append(tag)
        self.tag_counts[tag.name] = self.tag_counts.get(tag.name, 0) + 1

    def _close_tag(self, tag: Tag) -> None:
        self.tags.pop()
        self.tag_counts[tag.name] -= 1
        if not tag.written:
            return
        if self.plain:
            if tag.url is not None:
                self.out.append(f" ({tag.url})")
        else:
            self.out.append(f"</{tag.name}>")

    def _break(self, level: int) -> None:
        if self.cells:
            self.space = True
            return
        if level == BLOCK and self.contexts and self.contexts[-1].kind == "li":
            level = LINE
        if self.wrote:
            self.newlines = max(self.newlines, level)
        self.space = False

    def _pre_text(self, data: str) -> None:
        pre = self.pres[-1]
        if pre.fresh and data.startswith("\n"):
            data = data[1:]  # HTML drops the line end right after <pre>
        for index, line in enumerate(data.split("\n")):
            if index and self.wrote:
                self.newlines += 1
                self.space = False
            if line:
                pre.fresh = False
                line = line.expandtabs(4)
                self._content(line if self.plain else escape(line), verbatim=True)
        if data:
            pre.fresh = False

    def _content(self, piece: str, *, verbatim: bool = False) -> None:
        """Write one visible piece, after the line ends, indentation and tags it is owed."""
        out = self.out
        if self.newlines:
            out.append("\n" * self.newlines)
            self.newlines = 0
            self.at_line_start = True
        if self.at_line_start:
            levels = min(self.depth, MAX_INDENT_LEVELS)
            if levels and not self.plain:
                out.append(f"<img name=blank.png width={INDENT_PX * levels} height=1>")
            elif levels:
                out.append("  " * levels)
            if self.bullet:
                out.append(self.bullet)
                self.bullet = None
        elif self.space and not verbatim:
            out.append(" ")
        self.space = False
        for tag in self.tags:
            if not tag.written:
                tag.written = True
                if tag.url is not None:
                    tag.action = self._new_link(tag.url)
                if not self.plain:
                    out.append(tag.markup())
        out.append(piece)
        self.wrote = True
        self.at_line_start = False
