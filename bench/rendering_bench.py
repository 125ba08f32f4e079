"""How long Markdown rendering and the hypertext conversion take, worst cases included.

Run: `.venv/bin/python bench/rendering_bench.py` (no database needed). Each line: wall time and CPU
time (this process plus forked render children) in milliseconds, the size of the input, and the
outcome. The shared machine is often oversubscribed, so CPU time is the figure to compare; the
CPU limit of a forked render is `media_tools.bounded.CPU_SECONDS`.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from media_tools.hypertext import (  # noqa: E402
    html_to_hypertext,
    markdown_to_hypertext,
    posted_html_to_hypertext,
)
from media_tools.markdown import (  # noqa: E402
    MAX_SOURCE_LENGTH,
    plain_text_html,
    render_markdown,
    render_markdown_uncached,
)

REALISTIC = (
    "# Farming\n\nSome *text* with **bold**, `code`, a bare link https://example.com/x and "
    "[a link](http://a.example).\n\n- one\n- two\n    - nested\n\n| a | b |\n|---|---|\n"
    "| 1 | 2 |\n\n```lua\nlocal x = t[1] < 2\n```\n\n> quoted\n\n"
)


def sized(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size]


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, size: int, call) -> None:
    cache.clear()
    wall, used = time.perf_counter(), cpu()
    outcome = call()
    wall, used = time.perf_counter() - wall, cpu() - used
    print(
        f"{label:46s} {size:>9,d} B  wall {wall * 1000:8.0f} ms  cpu {used * 1000:8.0f} ms  {outcome}"
    )


def rendered(text: str) -> str:
    html = render_markdown(text)
    return (
        "plain-text fallback" if html == plain_text_html(text[:MAX_SOURCE_LENGTH]) else "rendered"
    )


def main() -> None:
    client = Client()
    print("case                                              input        wall             cpu")
    for size in (1024, 4 * 1024, 16 * 1024, MAX_SOURCE_LENGTH):
        text = sized(REALISTIC, size)
        timed(
            "realistic markdown -> html (in process)",
            size,
            lambda text=text: len(render_markdown_uncached(text)) and "ok",
        )
        timed(
            "realistic markdown -> hypertext (bounded)",
            size,
            lambda text=text: len(markdown_to_hypertext(text, formspec_version=6)["body"]) and "ok",
        )
    one_mib = sized(REALISTIC, 1024 * 1024)
    timed(
        "POST /api/hypertext/ 1 MiB markdown",
        len(one_mib),
        lambda: (
            client.generic(
                "POST", "/api/hypertext/?formspec_version=6", one_mib.encode(), "text/markdown"
            ).status_code
        ),
    )
    body = sized(REALISTIC, MAX_SOURCE_LENGTH)
    timed(
        "POST /api/hypertext/ 64 KiB markdown",
        len(body),
        lambda: (
            client.generic(
                "POST", "/api/hypertext/?formspec_version=6", body.encode(), "text/markdown"
            ).status_code
        ),
    )
    n = MAX_SOURCE_LENGTH
    for label, text in [
        ("pathological md: setext a\\n=\\n", sized("a\n=\n", n)),
        ("pathological md: <div> x N", sized("<div>", n)),
        ("pathological md: <http:// x N", sized("<http://", n)),
        ("pathological md: [ x N", "[" * (n // 2) + "x" + "]" * (n // 2 - 1)),
        ("pathological md: <b id=N>x", "".join(f"<b id={i}>x" for i in range(n // 10))[:n]),
        ("deep md: > x 10,000", "> " * 10_000 + "x"),
        ("deep md: - x 10,000", "- " * 10_000 + "x"),
    ]:
        timed(label, len(text), lambda text=text: rendered(text))
    for label, text in [
        ('posted html: <a b=" x N', sized('<a b="', n)),
        ("posted html: <!-- x N", sized("<!--", n)),
        (
            "posted html: realistic",
            sized("<p>Some <b>bold</b> <a href='https://x'>link</a></p>", n),
        ),
    ]:
        timed(
            label,
            len(text),
            lambda text=text: posted_html_to_hypertext(text, formspec_version=6)["body"][
                :12
            ].encode(),
        )
    deep = "<blockquote>" * 10_000 + "x" + "</blockquote>" * 10_000
    timed(
        "converter: 10,000 nested blockquotes",
        len(deep),
        lambda: html_to_hypertext(deep, formspec_version=6)["body"][-12:].encode(),
    )
    deep = "<ul><li>" * 10_000 + "x"
    timed(
        "converter: 10,000 nested unclosed lists",
        len(deep),
        lambda: html_to_hypertext(deep, formspec_version=6)["body"][-12:].encode(),
    )


if __name__ == "__main__":
    main()
