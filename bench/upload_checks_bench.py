"""How long the hostile-input checks of uploads take, worst cases included.

Zips and images of ContentDB writes, and the hostile rockspec families of
`tests/luarocks/test_hostile_rockspecs.py` (each must stay well under a second of CPU; the tests
only check that they are refused, because a loaded machine stretches wall-clock time).

Run: `.venv/bin/python bench/upload_checks_bench.py` (no database needed for the zip and image
checks; the LuantiVersion lookup is not reached because the sample confs set no version keys).
Prints one line per case: the median of 3 runs in milliseconds and the outcome.
"""

import io
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.base")

import django

django.setup()

from PIL import Image  # noqa: E402

from media_tools.errors import InvalidImage  # noqa: E402
from media_tools.thumbnails import check_image, render_thumbnail  # noqa: E402
from releases.errors import ReleasesError  # noqa: E402
from releases.rockspecs import evaluate_rockspec  # noqa: E402
from releases.zips import inspect_release_zip  # noqa: E402
from tests.contentdb_writes.support import (  # noqa: E402
    bomb_zip,
    many_entries_zip,
    pixel_bomb_png,
    png_bytes,
)
from tests.luarocks.test_hostile_rockspecs import (  # noqa: E402
    ENDLESS_LOOPS,
    PATTERN_BOMBS,
    STRING_BOMBS,
    TABLE_BOMBS,
    VALID_HEAD,
)


def big_mod_zip(files: int, size: int) -> bytes:
    """A plausible large mod: `files` random-ish textures of `size` bytes each."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("farming/init.lua", "print('x')\n" * 1000)
        archive.writestr("farming/mod.conf", "name = farming\n")
        for number in range(files):
            archive.writestr(f"farming/textures/t{number}.png", os.urandom(size))
    return buffer.getvalue()


def timed(label: str, call) -> None:
    runs, outcome = [], "ok"
    for _ in range(3):
        start = time.perf_counter()
        try:
            call()
        except (ReleasesError, InvalidImage) as error:
            outcome = f"refused: {error.message[:70]}"
        runs.append((time.perf_counter() - start) * 1000)
    print(f"{label:<42} {statistics.median(runs):8.1f} ms  {outcome}")


def main() -> None:
    cases = {
        "zip 14 MiB, 3,500 files (accepted)": big_mod_zip(3500, 4096),
        "zip 19,990 empty entries (accepted)": many_entries_zip(19_990),
        "zip 100,000 entries (refused)": many_entries_zip(),
        "zip bomb 64 MiB of zeros (refused)": bomb_zip(),
    }
    for label, content in cases.items():
        print(f"# {label}: {len(content):,} bytes")
        timed(
            label,
            lambda c=content: inspect_release_zip(c, package_type="MOD", package_name="farming"),
        )
    shot = png_bytes(3840, 2160)
    timed("check 4K PNG screenshot", lambda: check_image(shot))
    timed("check 50,000x50,000 PNG header", lambda: check_image(pixel_bomb_png()))
    timed("render level-2 thumbnail of 4K PNG", lambda: render_thumbnail(shot, 2, "png"))
    big = io.BytesIO()
    Image.new("RGB", (4096, 4096), (10, 20, 30)).save(big, "PNG")
    timed("check 4096x4096 PNG (largest accepted)", lambda: check_image(big.getvalue()))
    evaluate_rockspec(b"x = 1")  # the first Lua runtime pays for imports
    families = {
        "endless loop": ENDLESS_LOOPS,
        "string bomb": [body for body, _ in STRING_BOMBS],
        "pattern bomb": PATTERN_BOMBS,
        "table bomb": TABLE_BOMBS,
        "real idiom": [
            'local v = version:gsub("^(.*)-.-$", "%1") x = v:match("^v?(%d+)%.(%d+)")',
            'x = ("k=v, "):rep(1000):gsub("(%w+)=(%w+)", "%2=%1")',
        ],
    }
    for family, bodies in families.items():
        for number, body in enumerate(bodies, 1):
            source = (VALID_HEAD + body).encode()
            timed(f"rockspec {family} {number}", lambda s=source: evaluate_rockspec(s))


if __name__ == "__main__":
    main()
