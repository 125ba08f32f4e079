"""XSS and markup-injection payloads, rendered safe in both outputs.

HTML: only allow-listed tags and attributes, only http/https/mailto (or relative) URLs, nofollow ugc.
Hypertext: only tags the converter generates, balanced; every link/image target safe; text that
looks like markup arrives escaped. Each payload goes through Markdown -> HTML -> hypertext and, as
posted HTML, straight to the hypertext converter (which does not rely on bleach having run).
"""

import re

import pytest

from media_tools.hypertext import html_to_hypertext, markdown_to_hypertext
from media_tools.markdown import render_markdown
from tests.rendering.markup import (
    assert_generated_and_balanced,
    assert_safe_html,
    hypertext_tags,
    hypertext_text,
)

PAYLOADS = {
    "script tag": "<script>alert(1)</script>",
    "script with src": '<script src="https://evil.example/x.js"></script>',
    "img onerror": "<img src=x onerror=alert(1)>",
    "javascript href": '<a href="javascript:alert(1)">x</a>',
    "markdown javascript link": "[x](javascript:alert(1))",
    "mixed case scheme": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "tab inside the scheme": '<a href="java&#x09;script:alert(1)">x</a>',
    "newline inside the scheme": '<a href="java&#10;script:alert(1)">x</a>',
    "entity-encoded scheme": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'
    ),
    "leading space and control before the scheme": '<a href=" &#1;javascript:alert(1)">x</a>',
    "named colon entity": '<a href="javascript&colon;alert(1)">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data url link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data url image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "svg onload": "<svg onload=alert(1)><script>alert(1)</script><text>svg</text></svg>",
    "style element": "<style>body{background:url(javascript:alert(1))}</style>",
    "style attribute": '<p style="background:url(javascript:alert(1))">styled</p>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "unclosed tags": "<b onmouseover=alert(1)>bold <i>italic <a href='https://ok.example'>link",
    "split script": "<scr<script>ipt>alert(1)</script>",
    "mathml xlink": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "object data": '<object data="javascript:alert(1)"></object>',
    "form action": '<form action="javascript:alert(1)"><input type=submit value=go></form>',
    "comment hiding a script": "<!--<script>alert(1)</script>-->after",
    "onclick on a good link": '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "details ontoggle": "<details open ontoggle=alert(1)><summary>s</summary>d</details>",
    "action tag as raw html": "<action name=x>click</action>",
    "action tag as text": "&lt;action name=x&gt;click&lt;/action&gt;",
    "global tag as text": "&lt;global background=#f00&gt; and \\<b\\>",
    "backslashes and brackets in text": "a \\ b < c > d \\< e [f] ;g, h",
    "markup in link text and url": '[a<b>\\c](https://x.example/?q=<x>&r=\\ "t<i>t")',
    "quote breaking out of a url": '<a href="https://x.example/a>b"c>t</a>',
    "image size carrying markup": (
        '<img src="https://x.example/i.png" width="10><action name=evil>" height="5 6">'
    ),
    "image size carrying an attribute": '<img src="https://x.example/i.png" width="1 onerror=x">',
    "image name lookalike": '<img src="blank.png" alt="blank.png width=9999">',
    "tag-like text in code": "`<action name=x>` and\n\n```\n<img name=y>\n```",
    "nested links": '<a href="https://a.example">one <a href="https://b.example">two</a></a>',
}

SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def assert_safe_targets(answer: dict) -> None:
    for url in [*answer["links"].values(), *answer["images"].values()]:
        scheme = _SCHEME.match(url)
        assert scheme is None or scheme.group(1).lower() in SAFE_SCHEMES, url
        assert not re.search(r"[\x00-\x20]", url), url
    for name in [*answer["links"], *answer["images"]]:
        assert re.fullmatch(r"(link|image)_\d+", name), name


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markdown_payload_renders_safe_html(payload):
    html = render_markdown(payload)

    assert_safe_html(html)
    assert "<script" not in html.lower()
    assert "alert(1)" not in html or "&lt;" in html or "alert(1)" not in html.split(">", 1)[0]


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("include_images", [True, False])
def test_payload_renders_safe_hypertext(payload, include_images):
    for answer in (
        markdown_to_hypertext(payload, formspec_version=6, include_images=include_images),
        html_to_hypertext(payload, formspec_version=6, include_images=include_images),
    ):
        assert_generated_and_balanced(answer["body"])
        assert_safe_targets(answer)


def test_script_and_style_content_never_reaches_the_client():
    for payload in (PAYLOADS["script tag"], PAYLOADS["style element"], PAYLOADS["svg onload"]):
        assert html_to_hypertext(payload, formspec_version=6)["body"] == "\n"
        assert markdown_to_hypertext(payload, formspec_version=6)["body"] == "\n"
        assert render_markdown(payload) in {"", "<p></p>"}


def test_tag_like_text_arrives_escaped():
    answer = html_to_hypertext(PAYLOADS["action tag as text"], formspec_version=6)
    assert answer["body"] == "\\<action name=x\\>click\\</action\\>\n"
    assert hypertext_tags(answer["body"]) == []
    assert answer["links"] == {}


def test_raw_action_tag_is_dropped_and_its_text_kept():
    for answer in (
        markdown_to_hypertext(PAYLOADS["action tag as raw html"], formspec_version=6),
        html_to_hypertext(PAYLOADS["action tag as raw html"], formspec_version=6),
    ):
        assert answer["body"] == "click\n"


def test_only_markup_characters_are_escaped():
    body = html_to_hypertext(PAYLOADS["backslashes and brackets in text"], formspec_version=6)[
        "body"
    ]
    # formspec escaping ([ ] ; ,) is the client's job: doing it here would show backslashes
    assert body == "a \\\\ b \\< c \\> d \\\\\\< e [f] ;g, h\n"
    assert hypertext_text(body) == "a \\ b < c > d \\< e [f] ;g, h\n"


def test_markup_in_link_text_and_url_stays_out_of_the_tags():
    # Markdown lets raw <b> through (an allowed tag); the target keeps its < > \\ in `links` only
    answer = markdown_to_hypertext(PAYLOADS["markup in link text and url"], formspec_version=6)
    assert answer["body"] == "<action name=link_0><u>a<b>\\\\c</b></u></action>\n"
    assert answer["links"] == {"link_0": "https://x.example/?q=<x>&r=\\"}
    answer = html_to_hypertext('<a href="/?q=<x>">a&lt;b&gt;\\c</a>', formspec_version=6)
    assert answer["body"] == "<action name=link_0><u>a\\<b\\>\\\\c</u></action>\n"
    assert answer["links"] == {"link_0": "/?q=<x>"}


def test_url_with_a_closing_bracket_only_goes_into_links():
    answer = html_to_hypertext(PAYLOADS["quote breaking out of a url"], formspec_version=6)
    assert answer["body"] == "<action name=link_0><u>t</u></action>\n"
    assert answer["links"] == {"link_0": "https://x.example/a>b"}


@pytest.mark.parametrize(
    "payload",
    [PAYLOADS["image size carrying markup"], PAYLOADS["image size carrying an attribute"]],
)
def test_image_sizes_are_integers_we_write(payload):
    answer = html_to_hypertext(payload, formspec_version=6)
    assert answer["body"] == "<img name=image_0 width=128 height=128>\n"
    assert answer["images"] == {"image_0": "https://x.example/i.png"}


def test_image_name_comes_from_us_not_from_the_source():
    answer = html_to_hypertext(PAYLOADS["image name lookalike"], formspec_version=6)
    assert answer["body"] == "<img name=image_0 width=128 height=128>\n"
    assert answer["images"] == {"image_0": "blank.png"}
    assert answer["image_tooltips"] == {"image_0": "blank.png width=9999"}


@pytest.mark.parametrize(
    "payload",
    [PAYLOADS[k] for k in ("javascript href", "tab inside the scheme", "entity-encoded scheme")]
    + [PAYLOADS["named colon entity"], PAYLOADS["vbscript"], PAYLOADS["data url link"]],
)
def test_unsafe_links_keep_their_text_without_an_action(payload):
    for answer in (
        markdown_to_hypertext(payload, formspec_version=6),
        html_to_hypertext(payload, formspec_version=6),
    ):
        # Python-Markdown leaves `[x](data:...;base64,...==)` as text; bleach turns an undecoded
        # `javascript&colon;` into a harmless relative path: neither becomes a scheme we open
        assert "x" in hypertext_text(answer["body"])
        assert_safe_targets(answer)
        assert not any(
            url.lower().startswith(("javascript", "vbscript", "data"))
            for url in answer["links"].values()
        )
    if payload.startswith("<"):  # HTML: the tokenizer decodes the entities, the scheme is refused
        answer = html_to_hypertext(payload, formspec_version=6)
        assert answer["body"] == "x\n"
        assert answer["links"] == {}


def test_data_image_is_not_offered_to_the_client():
    answer = markdown_to_hypertext(PAYLOADS["data url image"], formspec_version=6)
    assert answer["images"] == {} and answer["links"] == {}
    assert answer["body"] == "x\n"


def test_link_inside_a_link_keeps_only_the_outer_action():
    answer = html_to_hypertext(PAYLOADS["nested links"], formspec_version=6)
    assert answer["body"] == "<action name=link_0><u>one two</u></action>\n"
    assert answer["links"] == {"link_0": "https://a.example"}


def test_html_links_are_nofollow_ugc_and_unsafe_ones_lose_href():
    html = render_markdown("[ok](https://ok.example) [bad](javascript:alert(1))")
    assert html == (
        '<p><a href="https://ok.example" rel="nofollow ugc">ok</a> <a rel="nofollow ugc">bad</a></p>'
    )
