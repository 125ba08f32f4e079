"""The rendering limits at their boundaries, one step either side: URL length, image sizes and
nesting depth in hypertext, nesting prefixes and link-scan cost in Markdown, the hypertext
endpoint's body limit, and where a bounded run moves to a child process. (The families of deep
and oversized input are in test_limits.py.)"""

import os

import pytest

from media_tools.bounded import IN_PROCESS_LIMIT, run_bounded
from media_tools.hypertext import html_to_hypertext
from media_tools.hypertext_parts import MAX_IMAGE_SIDE, MAX_URL_LENGTH
from media_tools.markdown import (
    LINK_SCAN_BUDGET,
    MAX_INDENT,
    MAX_NESTING,
    MAX_SOURCE_LENGTH,
    bound_nesting,
    defuse_links,
)


def test_the_limits_the_tests_below_assume():
    assert (MAX_URL_LENGTH, MAX_IMAGE_SIDE, MAX_NESTING, MAX_INDENT) == (2048, 2048, 16, 64)
    assert (LINK_SCAN_BUDGET, MAX_SOURCE_LENGTH, IN_PROCESS_LIMIT) == (300_000, 65536, 4096)


def url_of_length(length: int) -> str:
    head = "https://example.org/"
    return head + "a" * (length - len(head))


@pytest.mark.parametrize(("length", "is_link"), [(2048, True), (2049, False)])
def test_urls_up_to_2048_characters_become_links(length, is_link):
    url = url_of_length(length)
    answer = html_to_hypertext(f'<a href="{url}">x</a>', formspec_version=6)
    assert answer["links"] == ({"link_0": url} if is_link else {})


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="2048"', "width=2048"),
        ('width="2048px" height="1"', "width=2048 height=1"),
        ('width="2049"', "width=128 height=128"),
        ('width="0"', "width=128 height=128"),
        ('width="1" height="12345"', "width=1"),
        ('height="-5"', "width=128 height=128"),
    ],
)
def test_image_sides_are_1_to_2048_pixels(attributes, size):
    body = html_to_hypertext(
        f'<img src="https://example.org/a.png" {attributes}>', formspec_version=6
    )["body"]
    assert f"<img name=image_0 {size}>" in body, body


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("> " * 16 + "x", "> " * 16 + "x"),
        ("> " * 17 + "x", "> " * 16 + "x"),
        ("- " * 16 + "x", "- " * 16 + "x"),
        ("- " * 17 + "x", "- " * 16 + "x"),
        (" " * 64 + "- x", " " * 64 + "- x"),
        (" " * 65 + "- x", " " * 64 + "- x"),
        ("\t" * 16 + "x", "\t" * 16 + "x"),
        ("\t" * 17 + "x", " " * 64 + "x"),
    ],
)
def test_nesting_prefixes_are_capped_at_16_markers_and_64_columns(line, kept):
    assert bound_nesting(line) == kept
    assert bound_nesting(f"first\n{line}\nlast") == f"first\n{kept}\nlast"


def test_link_scanning_is_bounded_by_its_cost():
    """n unmatched `[` cost n + (n-1) + ... + 1 characters of scanning: 774 of them 299,925,
    within the budget; 775 cost 300,700, so their brackets are escaped."""
    assert defuse_links("[" * 774) == "[" * 774
    assert defuse_links("[" * 775) == "\\[" * 775
    two_blocks = "[" * 774 + "\n\n" + "[" * 10
    assert defuse_links(two_blocks) == "\\[" * 774 + "\n\n" + "[" * 10
    fenced = "```\n" + "[" * 800 + "\n```"
    assert defuse_links(fenced) == fenced


def test_small_inputs_run_in_this_process_and_larger_ones_in_a_child():
    assert run_bounded(os.getpid, size=IN_PROCESS_LIMIT) == os.getpid()
    child = run_bounded(os.getpid, size=IN_PROCESS_LIMIT + 1)
    assert isinstance(child, int) and child != os.getpid()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "status"), [(MAX_SOURCE_LENGTH, 200), (MAX_SOURCE_LENGTH + 1, 400)]
)
def test_the_hypertext_endpoint_takes_at_most_64_kib(client, size, status):
    response = client.post(
        "/api/hypertext/?formspec_version=7", b"x" * size, content_type="text/markdown"
    )
    assert response.status_code == status, response.content[:200]
    if status == 400:
        assert response.json() == {
            "success": False,
            "error": f"Body too large: at most {MAX_SOURCE_LENGTH} bytes",
        }
    else:
        assert response.json()["body"].startswith("x" * 100)
