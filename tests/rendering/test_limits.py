"""Size and depth limits: deep nesting never recurses, oversized sources are refused or cut."""

import pytest

from media_tools import bounded
from media_tools import hypertext as hypertext_module
from media_tools import markdown as markdown_module
from media_tools.bounded import IN_PROCESS_LIMIT, run_bounded
from media_tools.errors import MarkupTooLarge
from media_tools.hypertext import html_to_hypertext, markdown_to_hypertext, posted_html_to_hypertext
from media_tools.hypertext_parts import MAX_INDENT_LEVELS
from media_tools.markdown import (
    MAX_NESTING,
    MAX_SOURCE_LENGTH,
    TRUNCATED_NOTE,
    bound_nesting,
    ensure_renderable,
    plain_text_html,
    render_markdown,
)
from tests.rendering.markup import assert_generated_and_balanced, hypertext_text

DEPTH = 10_000
DEEPEST_INDENT = f"<img name=blank.png width={16 * MAX_INDENT_LEVELS} height=1>"

DEEP_MARKDOWN = {
    "quotes on one line": "> " * DEPTH + "deepest",
    "quotes on many lines": "".join(">" * i + " level\n" for i in range(1, 301)) + "\ndeepest",
    "bullet lists on one line": "- " * DEPTH + "deepest",
    "numbered lists on one line": "1. " * DEPTH + "deepest",
    "indented lists": "".join("  " * i + "- level\n" for i in range(200)) + "\ndeepest",
    "lists in quotes on one line": "- > " * DEPTH + "deepest",
    "emphasis": "*" * DEPTH + "deepest" + "*" * DEPTH,
    "brackets": "[" * DEPTH + "deepest" + "]" * DEPTH,
}
DEEP_HTML = {
    "blockquotes": "<blockquote>" * DEPTH + "deepest" + "</blockquote>" * DEPTH,
    "lists": "<ul><li>" * DEPTH + "deepest" + "</li></ul>" * DEPTH,
    "unclosed lists": "<ol><li>x" * DEPTH + "deepest",
    "bold": "<b>" * DEPTH + "deepest" + "</b>" * DEPTH,
    "links": "<a href='https://a.example'>" * DEPTH + "deepest",
    "tables": "<table><tr><td>" * DEPTH + "deepest",
    "divs and spans": "<div><span>" * DEPTH + "deepest",
}


@pytest.mark.parametrize("source", DEEP_MARKDOWN.values(), ids=DEEP_MARKDOWN.keys())
def test_deep_markdown_converts_without_recursion_error(source):
    answer = markdown_to_hypertext(source, formspec_version=6)

    assert_generated_and_balanced(answer["body"])
    assert "deepest" in hypertext_text(answer["body"])


@pytest.mark.parametrize("source", DEEP_HTML.values(), ids=DEEP_HTML.keys())
def test_deep_html_converts_without_recursion_error(source):
    answer = html_to_hypertext(source, formspec_version=6)

    assert_generated_and_balanced(answer["body"])
    assert "deepest" in hypertext_text(answer["body"])


def test_deep_html_is_indented_at_most_ten_levels_and_styled_once():
    body = html_to_hypertext(DEEP_HTML["lists"], formspec_version=6)["body"]
    assert body.splitlines()[-1] == f"{DEEPEST_INDENT}• deepest"
    body = html_to_hypertext(DEEP_HTML["bold"], formspec_version=6)["body"]
    assert body == "<b>deepest</b>\n"
    answer = html_to_hypertext(DEEP_HTML["links"], formspec_version=6)
    assert answer["body"] == "<action name=link_0><u>deepest</u></action>\n"


def test_nesting_prefix_is_capped_and_the_text_kept():
    assert bound_nesting("> " * 40 + "x") == "> " * MAX_NESTING + "x"
    assert bound_nesting(" " * 200 + "- x") == " " * 64 + "- x"
    shallow = "    - four spaces\n> > quote\n\tcode"
    assert bound_nesting(shallow) == shallow


def test_oversized_source_is_refused_where_it_comes_in():
    ensure_renderable("x" * MAX_SOURCE_LENGTH)
    with pytest.raises(MarkupTooLarge) as error:
        ensure_renderable("x" * (MAX_SOURCE_LENGTH + 1))
    assert (
        error.value.message
        == f"Text too long: at most {MAX_SOURCE_LENGTH} characters can be rendered"
    )


def test_oversized_stored_text_is_cut_with_a_note():
    one_mib = ("word " * 20 + "\n\n") * (1024 * 1024 // 102)
    html = render_markdown(one_mib)
    note = TRUNCATED_NOTE.format(limit=MAX_SOURCE_LENGTH)
    assert html.startswith("<p>word word ")
    assert html.endswith(f"<p><em>{note}</em></p>")
    assert MAX_SOURCE_LENGTH // 6 < html.count("word") <= MAX_SOURCE_LENGTH // 5
    body = markdown_to_hypertext(one_mib, formspec_version=6)["body"]
    assert body.endswith(f"<i>{note}</i>\n")


def test_work_past_the_cpu_limit_is_stopped():
    assert run_bounded(burn_cpu_forever, size=IN_PROCESS_LIMIT + 1, cpu_seconds=1) is None
    assert run_bounded(str.upper, "x" * (IN_PROCESS_LIMIT + 1), size=IN_PROCESS_LIMIT + 1) == (
        "X" * (IN_PROCESS_LIMIT + 1)
    )


def burn_cpu_forever(*_args):
    """Stands for a parser that is quadratic or worse on some input (see media_tools/bounded.py).

    Which inputs are slow depends on the library's release (Python-Markdown 3.11 renders
    `a\\n=\\n` * 16384 in about 1 s, older releases took 80 s), so the tests use a renderer that
    is slow by construction: what is under test is our bound and our fallback, not their speed.
    """
    while True:
        pass


@pytest.fixture
def slow_renderers(monkeypatch):
    monkeypatch.setattr(bounded, "CPU_SECONDS", 1)
    monkeypatch.setattr(markdown_module, "render_markdown_uncached", burn_cpu_forever)
    monkeypatch.setattr(hypertext_module, "_convert", burn_cpu_forever)


def test_bounded_run_stops_a_function_that_takes_too_much_memory():
    source = "x" * (IN_PROCESS_LIMIT + 1)
    assert run_bounded(take_memory, source, size=len(source)) is None


def take_memory(_text):
    return bytearray(bounded.MEMORY_LIMIT + 1024 * 1024)


def test_markdown_too_slow_to_render_is_shown_as_plain_text(slow_renderers):
    source = "a\n=\n" * (MAX_SOURCE_LENGTH // 4)
    html = render_markdown(source)
    assert html == plain_text_html(source)
    assert html.startswith("<p>a<br>\n=<br>\na<br>")
    answer = markdown_to_hypertext(source, formspec_version=6)
    assert answer["body"].startswith("a\n=\na\n")
    assert_generated_and_balanced(answer["body"])


def test_posted_html_too_slow_to_tokenize_is_shown_as_its_source(slow_renderers):
    source = '<a b="' * (MAX_SOURCE_LENGTH // 6)
    answer = posted_html_to_hypertext(source, formspec_version=6)
    assert answer["body"].startswith('\\<a b="\\<a b="')
    assert_generated_and_balanced(answer["body"])
