"""What the Luanti engine test needs besides the engine: the server's request log, an author's
tool publishing through the ContentDB API, and readers of what the engine left on disk."""

import io
import json
import os
import re
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from accounts.services import create_api_token
from tests.browser.helpers import png
from tests.factories import UserFactory

LANTERNS_DESCRIPTION = """\
## Light up the night

Lanterns adds **hanging lanterns**, *paper lanterns* and glowing `lantern_lib` nodes.

* Craft them from iron and glass
* Hang them from ceilings or stand them on fences
* They glow at night and rest by day

Needs the [Lantern Library]({site}/packages/mira/lantern_lib/).
"""


# What the server saw ---------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    query: str
    user_agent: str
    finished: bool = False


class ServerLog:
    """Every request the live server received, from Django's request signals (the server thread
    runs them; the test waits on them)."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.changed = threading.Condition()
        self.current = threading.local()

    def started(self, sender, environ, **kwargs) -> None:
        seen = Seen(
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_USER_AGENT", ""),
        )
        self.current.seen = seen
        with self.changed:
            self.requests.append(seen)

    def finished(self, sender, **kwargs) -> None:
        seen = getattr(self.current, "seen", None)
        if seen is not None:
            with self.changed:
                seen.finished = True
                self.changed.notify_all()

    def engine(self) -> list[Seen]:
        return [r for r in self.requests if r.user_agent.startswith("Minetest/")]

    def wait_for_engine(self, path: str, query: str, timeout: float = 60) -> Seen:
        def found():
            return next(
                (r for r in self.engine() if r.path == path and r.query == query and r.finished),
                None,
            )

        with self.changed:
            assert self.changed.wait_for(found, timeout), (path, query, self.engine())
            return found()


# An author's tool publishing through the API ----------------------------------------------------


class Api:
    def __init__(self, site: str, token: str) -> None:
        self.site = site
        self.token = token

    def call(self, method: str, path: str, *, body: dict | None = None, form=None) -> dict:
        if form is not None:
            data, content_type = encode_multipart(BOUNDARY, form), MULTIPART_CONTENT
        else:
            data, content_type = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(  # noqa: S310 - the live server on loopback
            self.site + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()!r}") from None

    def release(self, name: str, title: str, files: dict[str, bytes]) -> int:
        answer = self.call(
            "POST",
            f"/api/packages/mira/{name}/releases/new/",
            form={"title": title, "file": SimpleUploadedFile(f"{name}.zip", zip_of(files))},
        )
        return answer["release"]["id"]


def webp(png_bytes: bytes) -> bytes:
    buffer = io.BytesIO()
    with Image.open(io.BytesIO(png_bytes)) as image:
        image.save(buffer, "WEBP")
    return buffer.getvalue()


def get(url: str) -> tuple[int, bytes]:
    """A plain GET (not the engine's User-Agent, so the server log keeps them apart)."""
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


LIB_FILES = {
    "lantern_lib/mod.conf": b"name = lantern_lib\ndescription = Light sources for other mods\n",
    "lantern_lib/init.lua": b"lantern_lib = {}\nfunction lantern_lib.glow() return 14 end\n",
    "lantern_lib/LICENSE.txt": b"MIT\n",  # ContentDB asks a new package for a licence file
}
# the zip's top folder is not the package name: the client installs under the package name
LANTERNS_1 = {
    "lanterns-main/mod.conf": b"name = lanterns\ndepends = lantern_lib\n",
    "lanterns-main/init.lua": b'dofile(core.get_modpath("lanterns") .. "/old_recipes.lua")\n',
    "lanterns-main/old_recipes.lua": b"-- recipes of 1.0\n",
    "lanterns-main/LICENSE.txt": b"MIT\n",
    "lanterns-main/textures/lanterns_lantern.png": png(16, 16, hue=3),
}
LANTERNS_2 = {
    "lanterns-main/mod.conf": b"name = lanterns\ndepends = lantern_lib\n",
    "lanterns-main/init.lua": b"-- 2.0: recipes live in the library now\n",
    "lanterns-main/textures/lanterns_lantern.png": png(16, 16, hue=5),
    "lanterns-main/textures/lanterns_lantern_on.png": png(16, 16, hue=9),
}


def publish_lanterns(site: str) -> dict[str, int]:
    author = UserFactory(username="mira")
    _, secret = create_api_token(user=author, name="release tool")
    api = Api(site, secret)
    for name, title, short, description in (
        ("lantern_lib", "Lantern Library", "Light sources and a glow API for other mods.", ""),
        (
            "lanterns",
            "Lanterns",
            "Hanging and paper lanterns that glow at night.",
            LANTERNS_DESCRIPTION.format(site=site),
        ),
    ):
        api.call(
            "POST",
            "/api/packages/",
            body={
                "type": "mod",
                "name": name,
                "title": title,
                "short_description": short,
                "long_description": description,
                "license": "MIT",
                "media_license": "CC-BY-SA-4.0",
                "repo": f"https://example.org/mira/{name}",
            },
        )
    releases = {"lantern_lib": api.release("lantern_lib", "1.0.0", LIB_FILES)}
    # as on ContentDB, a new mod's hard dependency must be provided by an approved package first
    call_command("approve_package", "mira/lantern_lib", stdout=io.StringIO())
    releases["lanterns"] = api.release("lanterns", "1.0.0", LANTERNS_1)
    api.call(
        "POST",
        "/api/packages/mira/lanterns/screenshots/new/",
        # WebP, which the upload accepts and 5.6 cannot draw: the list must offer a PNG thumbnail
        form={"title": "At night", "file": SimpleUploadedFile("night.webp", webp(png(hue=40)))},
    )
    call_command("approve_package", "mira/lanterns", stdout=io.StringIO())
    return releases


# What the engine left on disk -------------------------------------------------------------------


def conf_of(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def listed_titles(formspec: str) -> list[str]:
    """The "<title> by <author>" labels of the store's page, without their colour escapes."""
    labels = re.findall(r"label\[1\.875,0\.1;([^\]]*)\]", formspec)
    return [re.sub(r"\x1b\(c@#[0-9A-Fa-f]+\)", "", label) for label in labels]


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_installed(run, folder: Path, files: dict[str, bytes], conf: dict[str, str]) -> None:
    """The zip's files without its top folder, and the zip's mod.conf plus what the client adds."""
    top = next(iter(files)).split("/", 1)[0] + "/"
    expected = {name.removeprefix(top): content for name, content in files.items()}
    on_disk = files_under(folder)
    assert sorted(on_disk) == sorted(expected), run.explain(f"files in {folder}")
    for name, content in expected.items():
        if name != "mod.conf":
            assert on_disk[name] == content, run.explain(f"{folder}/{name} differs from the zip")
    assert conf_of(folder / "mod.conf") == conf, run.explain(f"{folder}/mod.conf")


def save_screenshot(run, tmp_path: Path, name: str) -> None:
    """Always taken (it must work); kept in SCREENSHOTS_DIR when that is set."""
    shot = run.screenshot(tmp_path / name)
    with Image.open(shot) as image:
        assert image.size == (1280, 800)
        # a drawn menu, not a black or blank screen
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50, run.explain(name)
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, name).write_bytes(shot.read_bytes())
