"""Golden tests: small Markdown and HTML inputs and the hypertext the Luanti client should get.

Expected outputs are written by hand from docs/protocols/contentdb.md section 7 (ContentDB's converter and
its tests) and docs/protocols/luanti-client.md section 4 (what the client does with the object), with our
deliberate differences: a blank line between blocks, numbered lists, tables as text rows, quotes
indented, and only the text escaping the hypertext markup needs.
"""

from dataclasses import dataclass, field

import pytest

from media_tools.hypertext import HEAD, html_to_hypertext, markdown_to_hypertext
from tests.rendering.markup import assert_generated_and_balanced

PAGE = "https://example.com/a/b/"
INDENT1 = "<img name=blank.png width=16 height=1>"
INDENT2 = "<img name=blank.png width=32 height=1>"


@dataclass
class Case:
    source: str
    body: str
    html: bool = False  # the source is HTML (else Markdown)
    links: dict = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    tooltips: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)


CASES = {
    "empty markdown": Case("", "\n"),
    "empty html": Case("", "\n", html=True),
    "h1 and h2 are big": Case("# Title\n\n## Part", "<big>Title</big>\n\n<big>Part</big>\n"),
    "h3 to h6 are bold": Case("### Three\n\n###### Six", "<b>Three</b>\n\n<b>Six</b>\n"),
    "heading after a paragraph": Case("Some text.\n\n## Sub", "Some text.\n\n<big>Sub</big>\n"),
    "emphasis and an ampersand": Case(
        "Hello *world* & **you**", "Hello <i>world</i> & <b>you</b>\n"
    ),
    "soft line break joins, blank line separates": Case("one\ntwo\n\nthree", "one two\n\nthree\n"),
    "br ends the line": Case("<p>one<br>two</p>", "one\ntwo\n", html=True),
    "contentdb nested bold italic": Case(
        "<b>One <i>two</i> three</b>", "<b>One <i>two</i> three</b>\n", html=True
    ),
    "contentdb escapes backslash and angle brackets": Case(
        "<b>One <i>t\\w&lt;o&gt;</i> three</b>",
        "<b>One <i>t\\\\w\\<o\\></i> three</b>\n",
        html=True,
    ),
    "brackets, semicolons and commas are not escaped": Case("a [b]; c, d", "a [b]; c, d\n"),
    "nested bullet list (contentdb example)": Case(
        "<ul><li>One</li><li>two three<ul><li>sub one</li><li>sub two</li></ul></li>"
        "<li>four</li></ul>",
        f"{INDENT1}• One\n{INDENT1}• two three\n{INDENT2}• sub one\n{INDENT2}• sub two\n"
        f"{INDENT1}• four\n",
        html=True,
    ),
    "nested markdown lists, numbered inside bullets": Case(
        "- fruit\n    1. apple\n    2. pear\n- veg",
        f"{INDENT1}• fruit\n{INDENT2}1. apple\n{INDENT2}2. pear\n{INDENT1}• veg\n",
    ),
    "numbered list keeps its start": Case(
        "3. three\n4. four", f"{INDENT1}3. three\n{INDENT1}4. four\n"
    ),
    "loose list item with two paragraphs": Case(
        "- first\n\n    more\n\n- second",
        f"{INDENT1}• first\n{INDENT1}more\n{INDENT1}• second\n",
    ),
    "list between paragraphs": Case(
        "Before\n\n- item\n\nAfter", f"Before\n\n{INDENT1}• item\n\nAfter\n"
    ),
    "link with brackets in its text and a title": Case(
        '[a [b] c](https://example.com/x?y=1 "The [title]")',
        "<action name=link_0><u>a [b] c</u></action>\n",
        links={"link_0": "https://example.com/x?y=1"},
    ),
    "links are numbered in order": Case(
        "[one](https://one.example) and [two](https://two.example)",
        "<action name=link_0><u>one</u></action> and <action name=link_1><u>two</u></action>\n",
        links={"link_0": "https://one.example", "link_1": "https://two.example"},
    ),
    "bare url becomes a link": Case(
        "See https://example.com/x now",
        "See <action name=link_0><u>https://example.com/x</u></action> now\n",
        links={"link_0": "https://example.com/x"},
    ),
    "mailto link": Case(
        "<a href='mailto:me@example.com'>mail</a>",
        "<action name=link_0><u>mail</u></action>\n",
        html=True,
        links={"link_0": "mailto:me@example.com"},
    ),
    "relative link resolved against the page": Case(
        '<a href="relative">Relative</a> <a href="/absolute">Absolute</a>',
        "<action name=link_0><u>Relative</u></action> <action name=link_1><u>Absolute</u></action>\n",
        html=True,
        links={"link_0": PAGE + "relative", "link_1": "https://example.com/absolute"},
        options={"base_url": PAGE},
    ),
    "unknown attributes are ignored": Case(
        '<a href="https://example.com" url="https://evil.example" class="x">link</a>',
        "<action name=link_0><u>link</u></action>\n",
        html=True,
        links={"link_0": "https://example.com"},
    ),
    "bold link and link in bold": Case(
        "**[a](https://a.example)** [**b**](https://b.example)",
        "<b><action name=link_0><u>a</u></action></b> "
        "<action name=link_1><u><b>b</b></u></action>\n",
        links={"link_0": "https://a.example", "link_1": "https://b.example"},
    ),
    "image with alt text": Case(
        "![A red apple](https://example.com/apple.png)",
        "<img name=image_0 width=128 height=128>\n",
        images={"image_0": "https://example.com/apple.png"},
        tooltips={"image_0": "A red apple"},
    ),
    "image as a link when include_images is false": Case(
        "![A red apple](https://example.com/apple.png)",
        "<action name=image_0><u>Image: A red apple</u></action>\n",
        links={"image_0": "https://example.com/apple.png"},
        options={"include_images": False},
    ),
    "image without alt as a link": Case(
        '<img src="/path/to/img.png">',
        "<action name=image_0><u>Image</u></action>\n",
        html=True,
        links={"image_0": "https://example.com/path/to/img.png"},
        options={"include_images": False, "base_url": PAGE},
    ),
    "image size is kept when it is a number": Case(
        '<img src="https://e.example/i.png" width="64" height="32px" title="Tip">',
        "<img name=image_0 width=64 height=32>\n",
        html=True,
        images={"image_0": "https://e.example/i.png"},
        tooltips={"image_0": "Tip"},
    ),
    "image with only a width keeps its aspect": Case(
        '<img src="https://e.example/i.png" width="300" height="50%">',
        "<img name=image_0 width=300>\n",
        html=True,
        images={"image_0": "https://e.example/i.png"},
    ),
    "inline code with < and ]": Case("Use `t[i] < 3` here", "Use <code>t[i] \\< 3</code> here\n"),
    "fenced code keeps lines, blank lines and indentation": Case(
        '```lua\nif a < b then\n\n    t["]"] = "\\\\"\nend\n```',
        '<code>if a \\< b then\n\n    t["]"] = "\\\\\\\\"\nend</code>\n',
    ),
    "code block inside a list item": Case(
        "- item\n\n    ```\n    x > 1\n    ```",
        f"{INDENT1}• item\n{INDENT1}<code>x \\> 1</code>\n",
    ),
    "table as one line per row": Case(
        "| Name | Value |\n|------|------:|\n| a | 1 |\n| b | 2 |",
        "<b>Name</b> | <b>Value</b>\na | 1\nb | 2\n",
    ),
    "block quote is indented and italic": Case(
        "> Quoted\n> words\n\nAfter", f"{INDENT1}<i>Quoted words</i>\n\nAfter\n"
    ),
    "horizontal rule": Case("above\n\n---\n\nbelow", "above\n\n<center>— — —</center>\n\nbelow\n"),
    "unicode survives": Case("Ünïcödé ✓ 日本語 🙂 — «ok»", "Ünïcödé ✓ 日本語 🙂 — «ok»\n"),
    "windows path backslashes are escaped once": Case(
        "<p>C:\\games\\luanti</p>", "C:\\\\games\\\\luanti\n", html=True
    ),
    "strike-through and superscript keep only their text": Case(
        "<p>a <del>b</del> c<sup>2</sup></p>", "a b c2\n", html=True
    ),
    "formspec version 1 has no hypertext: plain text": Case(
        "# Hi\n\nSee [x](https://a.example) and **b** < c",
        "Hi\n\nSee x (https://a.example) and b < c\n",
        links={"link_0": "https://a.example"},
        options={"formspec_version": 1},
    ),
}


def convert(case: Case) -> dict:
    options = {"formspec_version": 6, **case.options}
    if case.html:
        return html_to_hypertext(case.source, **options)
    return markdown_to_hypertext(case.source, **options)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_golden(case):
    answer = convert(case)

    assert answer["body"] == case.body
    assert answer["links"] == case.links
    assert answer["images"] == case.images
    assert answer["image_tooltips"] == case.tooltips
    plain = case.options.get("formspec_version", 6) < 2
    assert answer["head"] == ("" if plain else HEAD)
    if not plain:
        assert_generated_and_balanced(answer["body"])


def test_head_defines_the_custom_tags_the_body_uses():
    assert "<tag name=code " in HEAD and "font=mono" in HEAD
    assert "<tag name=action " in HEAD and "hovercolor=" in HEAD


def test_the_client_indent_rewrite_matches_our_bullets():
    """The client points `<img name=blank.png ` at its own texture (dlg_package.lua gsub)."""
    body = markdown_to_hypertext("- a", formspec_version=6)["body"]
    assert body.startswith("<img name=blank.png ")


def test_custom_link_prefix_names_images_apart_so_objects_can_be_merged():
    """Reviews are converted one by one and their `links` merged (for-client/reviews/)."""
    source = "[site](https://a.example) ![pic](https://i.example/p.png)"
    answer = markdown_to_hypertext(
        source, formspec_version=6, include_images=False, link_prefix="review_7_"
    )
    assert answer["body"] == (
        "<action name=review_7_0><u>site</u></action> "
        "<action name=review_7_image_0><u>Image: pic</u></action>\n"
    )
    assert answer["links"] == {
        "review_7_0": "https://a.example",
        "review_7_image_0": "https://i.example/p.png",
    }
