"""The real `luarocks` client (Debian's 3.8.0 on Lua 5.1) installs what was uploaded to us.

Two versions of a pure-Lua rock are uploaded with `luarocks upload` (which packs a src rock from a
local `file://` tarball), then `search`, `install` (newest and pinned), `download --rockspec` run
against `--only-server` = the live test server, and finally a binary `.all.rock` made with
`luarocks pack` from a modified build is uploaded and is what `install` picks. The tarball is
deleted after upload, so every install can only have come from our server. HOME is a throwaway
directory and the client's download cache is emptied between steps (docs/protocols/luarocks.md trap 18).
"""

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from accounts.services import create_api_key
from releases.download_counts import flush_downloads
from releases.models import Release, ReleaseFile
from tests.e2e.conftest import LuarocksClient
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


class Luarocks:
    """The conftest's client, failing the test on any non-zero exit."""

    def __init__(self, client: LuarocksClient):
        self.client = client
        self.server = client.server

    def __call__(self, *args: str, cwd: Path | None = None) -> str:
        result = self.client.run(*args, cwd=cwd)  # the download cache is emptied first
        assert result.returncode == 0, f"luarocks {args}:\n{result.output}"
        return result.output

    def remote(self, *args: str, cwd: Path | None = None) -> str:
        return self(*args, f"--only-server={self.server}", cwd=cwd)


def write_project(root: Path, version: str, greeting: str) -> Path:
    """A rockspec `greet-<version>.rockspec` whose source is a local tarball; returns the rockspec."""
    plain = version.rsplit("-", 1)[0]
    src = root / f"greet-{plain}"
    (src / "src").mkdir(parents=True)
    (src / "src" / "greet.lua").write_text(
        f'local M = {{}}\nfunction M.hello() return "{greeting}" end\nreturn M\n'
    )
    tarball = root / f"greet-{plain}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(src, arcname=f"greet-{plain}")
    rockspec = root / f"greet-{version}.rockspec"
    rockspec.write_text(
        f'package = "greet"\nversion = "{version}"\n'
        f'source = {{ url = "file://{tarball}", dir = "greet-{plain}" }}\n'
        'description = { summary = "Says hello", license = "MIT" }\n'
        'dependencies = { "lua >= 5.1" }\n'
        'build = { type = "builtin", modules = { greet = "src/greet.lua" } }\n'
    )
    return rockspec


def run_module(tree: Path) -> str:
    script = (
        f"package.path = '{tree}/share/lua/5.1/?.lua;' .. package.path\n"
        "io.write(require('greet').hello())"
    )
    return subprocess.run(
        ["lua5.1", "-e", script], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def rocks_client(luarocks_client):
    return Luarocks(luarocks_client)


def test_upload_then_search_install_download_with_the_real_client(rocks_client, tmp_path):
    luarocks = rocks_client
    user = UserFactory(username="greeter")
    _key, secret = create_api_key(user=user)
    work = tmp_path / "work"
    work.mkdir()

    # two versions, each uploaded with the src rock the client packs itself
    for version, greeting in [("1.0-1", "hello from 1.0"), ("1.1-1", "hello from 1.1")]:
        rockspec = write_project(work, version, greeting)
        out = luarocks(
            "upload", rockspec.name, f"--temp-key={secret}", f"--server={luarocks.server}", cwd=work
        )
        assert "Done:" in out
        assert (work / f"greet-{version}.src.rock").exists()
    uploaded = {v: (work / f"greet-{v}.rockspec").read_bytes() for v in ["1.0-1", "1.1-1"]}
    for tarball in work.glob("*.tar.gz"):
        tarball.unlink()  # from here on, sources can only come from our server

    search = luarocks.remote("search", "greet")
    assert "1.1-1 (rockspec)" in search and "1.1-1 (src)" in search
    assert "1.0-1 (rockspec)" in search and "1.0-1 (src)" in search

    newest = tmp_path / "tree-newest"
    luarocks.remote("install", "greet", f"--tree={newest}")
    assert run_module(newest) == "hello from 1.1"

    pinned = tmp_path / "tree-pinned"
    luarocks.remote("install", "greet", "1.0-1", f"--tree={pinned}")
    assert run_module(pinned) == "hello from 1.0"

    namespaced = tmp_path / "tree-namespaced"  # fetched from /manifests/greeter/
    luarocks.remote("install", "greeter/greet", "1.0-1", f"--tree={namespaced}")
    assert run_module(namespaced) == "hello from 1.0"

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    luarocks.remote("download", "greet", "--rockspec", cwd=downloads)
    assert (downloads / "greet-1.1-1.rockspec").read_bytes() == uploaded["1.1-1"]
    luarocks.remote("download", "greet", "1.0-1", "--rockspec", cwd=downloads)
    assert (downloads / "greet-1.0-1.rockspec").read_bytes() == uploaded["1.0-1"]

    # a binary rock built from a changed module: the client must prefer it over the src rock
    binary_build = tmp_path / "binary"
    binary_build.mkdir()
    rockspec = write_project(binary_build, "1.1-1", "hello from the binary rock")
    build_tree = tmp_path / "tree-build"
    luarocks("make", str(rockspec), f"--tree={build_tree}", cwd=binary_build / "greet-1.1")
    luarocks("pack", "greet", "1.1-1", f"--tree={build_tree}", cwd=binary_build)
    rock = binary_build / "greet-1.1-1.all.rock"
    assert rock.exists()
    # 3.8.0's `luarocks upload <rockspec> <rock>` ignores its second argument (argparse stores it
    # as args["src-rock"], upload.lua reads args.src_rock) and packs a src rock instead, so the rock
    # goes to the same endpoint the client would use, as the client would send it.
    check_url = f"{luarocks.server}/api/1/{secret}/check_rockspec?package=greet&version=1.1-1"
    check = json.loads(
        subprocess.run(["curl", "-sf", check_url], capture_output=True, check=True).stdout
    )
    sent = subprocess.run(
        [
            "curl",
            "-sf",
            "-A",
            "LuaSocket 3.0.0",
            "-F",
            f"rock_file=@{rock};type=application/octet-stream",
            f"{luarocks.server}/api/1/{secret}/upload_rock/{check['version']['id']}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(sent.stdout)["rock"]["arch"] == "all"
    assert "1.1-1 (all)" in luarocks.remote("search", "greet")

    binary = tmp_path / "tree-binary"
    installed = luarocks.remote("install", "greet", f"--tree={binary}")
    assert run_module(binary) == "hello from the binary rock"
    assert "greet 1.1-1" in installed
    # The client's own User-Agent counts, but one address counts once per package a day
    # (docs/security.md, "Ranking fraud"): all the fetches above are one download, the first.
    flush_downloads()  # the pending counts, as the app servers write them every few seconds
    counted = ReleaseFile.objects.filter(release__package__name="greet", downloads__gt=0)
    assert [(f.filename, f.downloads) for f in counted] == [("greet-1.1-1.src.rock", 1)]
    assert Release.objects.get(name="1.1-1").downloads == 1


def test_dev_versions_are_found_only_with_dev(rocks_client, tmp_path):
    """`--dev` makes the client read `<server>/dev/manifest-5.1*` and fetch files under `/dev/`."""
    luarocks = rocks_client
    user = UserFactory(username="devgreeter")
    _key, secret = create_api_key(user=user)
    work = tmp_path / "work"
    work.mkdir()
    for version, greeting in [("1.0-1", "stable"), ("scm-1", "development")]:
        rockspec = write_project(work, version, greeting)
        out = luarocks(
            "upload", rockspec.name, f"--temp-key={secret}", f"--server={luarocks.server}", cwd=work
        )
        assert "Done:" in out
    # --only-server cannot be combined with --dev, so the server list comes from the user config
    config = luarocks.client.home / ".luarocks" / "config-5.1.lua"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'rocks_servers = {{ "{luarocks.server}" }}\n')

    assert "scm-1" not in luarocks("search", "greet")
    assert "scm-1 (rockspec)" in luarocks("search", "greet", "--dev")

    stable = tmp_path / "tree-stable"
    luarocks("install", "greet", f"--tree={stable}")
    assert run_module(stable) == "stable"
    development = tmp_path / "tree-dev"
    luarocks("install", "greet", "--dev", f"--tree={development}")  # scm-1 sorts above 1.0-1
    assert run_module(development) == "development"
