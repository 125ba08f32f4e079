"""Property-based tests: any text converts, the output's tags are ours and balanced, words survive.

Time is bounded by the size limit and measured in bench/rendering.py, not here (deadline=None).
"""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from media_tools.hypertext import html_to_hypertext, markdown_to_hypertext
from media_tools.markdown import render_markdown_uncached
from tests.rendering.markup import assert_generated_and_balanced, assert_safe_html, hypertext_text

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Text dense in the characters that mean something to Markdown, HTML or the hypertext markup.
MARKUP_ALPHABET = "<>/\\&;#=\"' \n\t*_`~[]()!|:-.0123456789abcdehijlmnoprstuvx"
markup_text = st.text(alphabet=MARKUP_ALPHABET, max_size=300)
tag_soup = st.lists(
    st.sampled_from(
        [
            "<b>",
            "</b>",
            "<i>",
            "</i>",
            "<ul>",
            "</ul>",
            "<ol start=3>",
            "</ol>",
            "<li>",
            "</li>",
            "<blockquote>",
            "</blockquote>",
            "<pre>",
            "</pre>",
            "<code>",
            "</code>",
            "<p>",
            "</p>",
            "<table>",
            "<tr>",
            "<td>",
            "<th>",
            "</td>",
            "</tr>",
            "</table>",
            "<br>",
            "<hr>",
            "<a href='https://a.example'>",
            "<a href='javascript:x'>",
            "</a>",
            "<h1>",
            "</h1>",
            "<img src='https://i.example/x.png' width='12' alt='a<b'>",
            "<script>",
            "</script>",
            "<svg>",
            "</svg>",
            "text",
            " ",
            "\n",
            "\\",
            "&lt;",
            "&gt;",
            "<action name=x>",
            "]",
        ]
    ),
    max_size=60,
).map("".join)
words = st.lists(st.from_regex(r"[A-Za-z0-9\u00c0-\u024f]{1,12}", fullmatch=True), min_size=1)
separators = st.sampled_from([" ", "\n", "  ", " \n"])


@SETTINGS
@given(st.one_of(st.text(max_size=300), markup_text, tag_soup))
def test_any_text_converts_to_balanced_generated_markup(text):
    for answer in (
        markdown_to_hypertext(text, formspec_version=6),
        markdown_to_hypertext(text, formspec_version=6, include_images=False),
        html_to_hypertext(text, formspec_version=6),
    ):
        assert_generated_and_balanced(answer["body"])
        assert answer["body"].endswith("\n")
        assert set(answer["image_tooltips"]) <= set(answer["images"])


@SETTINGS
@given(st.one_of(st.text(max_size=300), markup_text, tag_soup))
def test_any_text_renders_allow_listed_html(text):
    assert_safe_html(render_markdown_uncached(text))


@SETTINGS
@given(words, separators)
def test_every_word_of_plain_text_survives(word_list, separator):
    text = separator.join(word_list)
    for answer in (
        markdown_to_hypertext(text, formspec_version=6),
        html_to_hypertext(html.escape(text), formspec_version=6),
        html_to_hypertext(f"<p>{html.escape(text)}</p>", formspec_version=1),
    ):
        visible = hypertext_text(answer["body"]) if answer["head"] else answer["body"]
        assert visible.split() == word_list


@SETTINGS
@given(st.text(max_size=200))
def test_text_in_a_paragraph_comes_back_escaped_and_whole(text):
    """Escaping round-trips: unescaping the body gives the text (whitespace collapsed)."""
    answer = html_to_hypertext(f"<p>{html.escape(text)}</p>", formspec_version=6)
    assert_generated_and_balanced(answer["body"])
    expected = " ".join(
        "".join(ch for ch in text if (ch >= " " and not "\x7f" <= ch <= "\x9f") or ch in "\t\n\r")
        .replace("\r", "\n")  # HTML reads a carriage return as a line end
        .split()
    )
    visible = " ".join(hypertext_text(answer["body"]).split())
    assert visible == expected
