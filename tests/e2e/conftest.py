"""End-to-end fixtures: the site on a free port, and the real `luarocks` client with a throwaway HOME.

The site is pytest-django's `live_server`: a threaded WSGI server in this process on a free port,
serving the test database (tests using it get a transactional database) and the test MEDIA_ROOT.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

LUAROCKS_MISSING = (
    "the real luarocks client is not installed "
    "(apt-get install luarocks lua5.1 lua-cjson lua-socket zip unzip, as .ci/run does)"
)


def luarocks_available() -> bool:
    if shutil.which("luarocks") is None or shutil.which("lua5.1") is None:
        return False
    # luarocks 3.8 needs a JSON module for `upload` (docs/protocols/luarocks.md 4.1), and
    # LuaSocket to show the server's error messages (with curl it prints only "API failure")
    probe = subprocess.run(
        ["lua5.1", "-e", "require 'cjson' require 'socket.http'"],
        capture_output=True,
        check=False,
        timeout=10,
    )
    return probe.returncode == 0


@dataclass
class LuarocksRun:
    returncode: int
    output: str  # stdout and stderr together, as a person sees them


class LuarocksClient:
    """Runs Debian's luarocks against the live server with its own HOME (no upload_config.lua
    or download cache leaks between tests or into the real home; docs/protocols/luarocks.md trap 18)."""

    def __init__(self, home: Path, server: str) -> None:
        self.home = home
        self.server = server
        self.env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C",
            "USER": "tester",
        }

    def run(self, *args: str, cwd: Path | None = None) -> LuarocksRun:
        shutil.rmtree(self.home / ".cache" / "luarocks", ignore_errors=True)
        result = subprocess.run(
            ["luarocks", *args],
            cwd=cwd or self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return LuarocksRun(result.returncode, result.stdout + result.stderr)

    def upload(self, rockspec: Path, key: str, *extra: str) -> LuarocksRun:
        """`luarocks upload` with a key that is never stored, against our server only."""
        return self.run(
            "upload",
            rockspec.name,
            *extra,
            f"--temp-key={key}",
            f"--server={self.server}",
            cwd=rockspec.parent,
        )


@pytest.fixture
def site_url(live_server, settings) -> str:
    """The live site's base URL on 127.0.0.1 and a free port; SITE_URL follows it for the test."""
    settings.SITE_URL = f"http://127.0.0.1:{live_server.thread.port}"
    return settings.SITE_URL


@pytest.fixture
def luarocks_client(site_url, tmp_path) -> LuarocksClient:
    if not luarocks_available():
        pytest.skip(LUAROCKS_MISSING)
    home = tmp_path / "home"
    home.mkdir()
    return LuarocksClient(home, site_url)
