"""Runs Debian's real Luanti client (the `minetest` 5.6.1 binary) under Xvfb and talks with the
menu driver (tests/e2e/luanti/menu_driver.lua) through files.

The engine gets a throwaway HOME: 5.6 keeps its user folder in `$HOME/.minetest` (mods/, games/,
worlds/) and its cache in `$HOME/.cache/minetest`, and has no option to move them. Its settings come
from `--config`, its log goes to `--logfile`. It runs in a process group of its own with xvfb-run and
Xvfb, so a failed test kills all three at once.
"""

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageGrab

MINETEST = Path("/usr/games/minetest")  # Debian installs it off PATH
MISSING = (
    "the real Luanti client or a virtual display is missing "
    "(apt-get install minetest xvfb xauth, as .ci/run does)"
)
DRIVER = Path(__file__).parent / "luanti" / "menu_driver.lua"
PAGE_MOD = Path(__file__).parent / "luanti" / "regtest_page"
SCREEN = (1280, 800)
log = logging.getLogger(__name__)
STEP_TIMEOUT = 90  # seconds for one step; generous, the whole run normally takes a few seconds


def engine_available() -> bool:
    return MINETEST.exists() and all(shutil.which(tool) for tool in ("xvfb-run", "xauth"))


class EngineFailed(AssertionError):
    pass


@dataclass
class EngineRun:
    """One start of the engine, from launch to exit."""

    folder: Path
    exchange: Path  # engine/ (what the engine reports) and test/ (flags the test writes)
    process: subprocess.Popen
    steps: dict[str, dict] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def log(self) -> str:
        """The engine's debug.txt and its console output, for assertion messages."""
        parts = []
        for name in ("debug.txt", "console.txt", "xvfb.txt"):
            path = self.folder / name
            if path.exists():
                text = path.read_text(errors="replace")
                parts.append(f"--- {name} (last 8000 characters)\n{text[-8000:]}")
        return "\n".join(parts)

    def explain(self, message: str) -> str:
        return f"{message}\nsteps reported: {list(self.steps)}\n{self.log()}"

    def wait(self, step: str, timeout: float = STEP_TIMEOUT) -> dict:
        """What the driver reported when `step` was done; fails on a driver error, on the engine
        exiting first, or after `timeout` seconds."""
        path = self.exchange / "engine" / f"{step}.json"
        error = self.exchange / "engine" / "error.json"
        deadline = time.monotonic() + timeout
        while not path.exists():
            if error.exists():
                raise EngineFailed(self.explain(f"the menu driver failed: {error.read_text()}"))
            if self.process.poll() is not None:
                raise EngineFailed(
                    self.explain(f"the engine exited ({self.process.returncode}) before {step}")
                )
            if time.monotonic() > deadline:
                raise EngineFailed(self.explain(f"no step {step!r} after {timeout} s"))
            time.sleep(0.05)
        self.steps[step] = json.loads(path.read_text())
        log.info("%s: %s after %.2f s", self.folder.name, step, time.monotonic() - self.started)
        return self.steps[step]

    def signal(self, flag: str) -> None:
        """Let the driver go on past a step that waits for the test."""
        temporary = self.exchange / "test" / f".{flag}"
        temporary.write_text("go\n")
        temporary.rename(self.exchange / "test" / flag)

    def display(self) -> str:
        """The X display xvfb-run picked (written into the auth file it made for it)."""
        listing = subprocess.run(
            ["xauth", "-f", str(self.folder / "Xauthority"), "list"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        return ":" + listing.split()[0].rsplit(":", 1)[1]

    def screenshot(self, path: Path) -> Path:
        """The whole X screen (the engine's window fills it), as a PNG."""
        previous = os.environ.get("XAUTHORITY")
        os.environ["XAUTHORITY"] = str(self.folder / "Xauthority")  # the cookie xvfb-run made
        try:
            image = ImageGrab.grab(xdisplay=self.display())
        finally:
            if previous is None:
                del os.environ["XAUTHORITY"]
            else:
                os.environ["XAUTHORITY"] = previous
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, "PNG", optimize=True)
        return path

    def finish(self, timeout: float = STEP_TIMEOUT) -> None:
        """Wait for the engine to quit by itself (core.close()); it must exit cleanly."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise EngineFailed(
                self.explain(f"the engine did not quit within {timeout} s")
            ) from None
        if code != 0:
            raise EngineFailed(self.explain(f"the engine exited with {code}"))
        log.info("%s: exited after %.2f s", self.folder.name, time.monotonic() - self.started)
        # a failed request (libcurl error or status >= 400), a Lua error, a formspec it could not
        # draw: the engine logs them all as errors and goes on, so look for them
        errors = [
            line
            for line in (self.folder / "debug.txt").read_text(errors="replace").splitlines()
            if "ERROR[" in line
        ]
        # Irrlicht reports an image it cannot decode on the console only
        errors += [
            line
            for line in (self.folder / "console.txt").read_text(errors="replace").splitlines()
            if "Could not load texture" in line
        ]
        if errors:
            raise EngineFailed(self.explain("the engine logged errors:\n" + "\n".join(errors)))

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


class LuantiEngine:
    """The client's user folder and settings, kept across runs (a second run is the next session
    of the same user)."""

    def __init__(self, root: Path, contentdb_url: str, *, search: str, mods: list[str]):
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.contentdb_url = contentdb_url
        self.search = search
        self.mods = mods
        self.runs = 0

    @property
    def user_path(self) -> Path:
        return self.home / ".minetest"

    @property
    def mod_path(self) -> Path:
        return self.user_path / "mods"

    @property
    def cache_path(self) -> Path:
        return self.home / ".cache" / "minetest"

    def config(self, **extra: str) -> str:
        lines = {
            "main_menu_script": str(DRIVER),
            "contentdb_url": self.contentdb_url,
            "regtest_search": self.search,
            "regtest_mods": ",".join(self.mods),
            # one download at a time: 5.6 extracts concurrent downloads into the same temporary
            # folder (its async workers' random numbers are seeded alike), so a mod and its
            # dependency installed together fail at random (luanti-org/luanti#14518, fixed upstream
            # in 2024: newer clients extract each download into a folder of its own)
            "contentdb_max_concurrent_downloads": "1",
            # a window filling the virtual screen; no sound card, no clouds to render
            "screen_w": str(SCREEN[0]),
            "screen_h": str(SCREEN[1]),
            "enable_sound": "false",
            "menu_clouds": "false",
            # nothing but our server on the network: no update check, no server list
            "update_information_url": "",
            "serverlist_url": "",
            **extra,
        }
        return "".join(f"{key} = {value}\n" for key, value in lines.items())

    def _launch(self, name: str, exchange: Path, config: str, *args: str) -> EngineRun:
        self.runs += 1
        folder = self.root / f"run{self.runs}-{name}"
        folder.mkdir()
        (exchange / "engine").mkdir(parents=True)
        (exchange / "test").mkdir()
        conf = folder / "minetest.conf"
        conf.write_text(config)
        env = {
            "HOME": str(self.home),
            "PATH": "/usr/bin:/bin",
            "LANG": "C",
            "LIBGL_ALWAYS_SOFTWARE": "1",  # Mesa's llvmpipe, whatever GPU the machine has
        }
        command = [
            "xvfb-run",
            "--auto-servernum",
            f"--auth-file={folder / 'Xauthority'}",
            f"--error-file={folder / 'xvfb.txt'}",
            f"--server-args=-screen 0 {SCREEN[0]}x{SCREEN[1]}x24 -nolisten tcp",
            str(MINETEST),
            "--config",
            str(conf),
            "--logfile",
            str(folder / "debug.txt"),
            *args,
        ]
        with open(folder / "console.txt", "wb") as console:
            process = subprocess.Popen(
                command,
                env=env,
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches Xvfb too
            )
        return EngineRun(folder=folder, exchange=exchange, process=process)

    def start_menu(self, phase: str) -> EngineRun:
        """The main menu, driven by menu_driver.lua through the steps of `phase`."""
        exchange = self.root / f"exchange{self.runs + 1}"
        config = self.config(regtest_dir=str(exchange), regtest_phase=phase)
        return self._launch(phase, exchange, config)

    def start_game(self, *, package: str, protocol: int, mods: list[str]) -> EngineRun:
        """A singleplayer world of the stock game with `mods` (installed by the store) enabled and
        the regtest_page mod showing `package`'s page; `--go` skips the menu."""
        world = self.root / f"world{self.runs + 1}"
        (world / "worldmods").mkdir(parents=True)
        shutil.copytree(PAGE_MOD, world / "worldmods" / "regtest_page")
        enabled = "".join(f"load_mod_{mod} = true\n" for mod in mods)
        (world / "world.mt").write_text(f"gameid = minetest\nbackend = sqlite3\n{enabled}")
        config = self.config(
            regtest_package=package,
            regtest_protocol=str(protocol),
            **{"secure.http_mods": "regtest_page"},
            mg_name="singlenode",  # nothing to generate or draw behind the page
            enable_clouds="false",
            bind_address="127.0.0.1",
            port=str(free_udp_port()),
        )
        return self._launch("game", world / "regtest", config, "--go", "--world", str(world))


def free_udp_port() -> int:
    """A UDP port nobody uses now, for the singleplayer server (5.6 does not pick one itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
