"""Package confusion, end to end: `luarocks install e2e-victim` installs what alice published.

alice owns `e2e-victim` (and its name in the root manifest). bob, whose account is older (a lower
user id), tries every way a file name could be shared between two (name, version) pairs:

- a rockspec of package `e2e`, version `victim-1.0-1`: same file name `e2e-victim-1.0-1.rockspec`;
  it shows the client `e2e-victim 1.0-1` instead when it sees a complete string library
  (`("").dump ~= nil`), so the client's own file-name check passes;
- a rock `e2e-victim-1.0-1.all.rock` uploaded to that version;
- the same under `/dev/` with `scm-1`;
- the same inside alice's own namespace (`/manifests/alice/`), after a moderator hands bob's `e2e`
  to alice at bob's request.

Every attacker rockspec's build writes a marker file: its absence proves none of bob's code ran.
Debian's luarocks 3.8.0 on Lua 5.1 runs with a throwaway HOME, `--only-server` (or a config naming
only this server for `--dev`), and an emptied download cache before every command.
"""

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from accounts.models import Rank
from accounts.services import create_api_key
from packages.models import Package
from packages.ownership import transfer_ownership
from releases.rockspecs import INVALID_VERSION
from tests.e2e.conftest import LuarocksClient
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MODULE = "e2e_victim"
ATTACKER_SWITCH = 'if ("").dump == nil then {server} else {client} end\n'


class Scene:
    def __init__(self, luarocks: LuarocksClient, root: Path):
        self.luarocks = luarocks
        self.server = luarocks.server
        self.root = root
        self.marker = root / "bob-code-ran"
        # bob signs up first: before the fix, root files went to the lowest author id
        self.bob = UserFactory(username="bob")
        self.alice = UserFactory(username="alice")
        self.alice_key = create_api_key(user=self.alice)[1]
        self.bob_key = create_api_key(user=self.bob)[1]
        self.log: list[str] = []

    def redacted(self, text: str) -> str:
        return text.replace(self.alice_key, "ALICE_KEY").replace(self.bob_key, "BOB_KEY")

    def run(self, *args: str, cwd: Path | None = None, ok: bool = True) -> str:
        result = self.luarocks.run(*args, cwd=cwd)
        self.log.append(self.redacted(f"$ luarocks {' '.join(args)}\n{result.output}"))
        if ok:
            assert result.returncode == 0, f"luarocks {args}:\n{result.output}"
        return result.output

    def project(self, who: str, version: str, *, header: str, attacker: bool) -> Path:
        """A directory with a source tarball and a rockspec whose module says `who`."""
        plain = version.rsplit("-", 1)[0]
        base = self.root / f"{who}-{version}"
        src = base / f"e2e-victim-{plain}" / "src"
        src.mkdir(parents=True)
        (src / f"{MODULE}.lua").write_text(f'return {{ who = function() return "{who}" end }}\n')
        tarball = base / f"e2e-victim-{plain}.tar.gz"
        with tarfile.open(tarball, "w:gz") as tar:
            tar.add(src.parent, arcname=f"e2e-victim-{plain}")
        build = f'build = {{ type = "builtin", modules = {{ {MODULE} = "src/{MODULE}.lua" }} }}\n'
        if attacker:
            build = (
                f'build = {{ type = "command", build_command = "echo pwned > {self.marker}",\n'
                f'  install = {{ lua = {{ {MODULE} = "src/{MODULE}.lua" }} }} }}\n'
            )
        rockspec = base / f"e2e-victim-{version}.rockspec"
        rockspec.write_text(
            header
            + f'source = {{ url = "file://{tarball}", dir = "e2e-victim-{plain}" }}\n'
            + f'description = {{ summary = "{who}\'s module", license = "MIT" }}\n'
            + 'dependencies = { "lua >= 5.1" }\n'
            + build
        )
        return rockspec

    def alice_publishes(self, version: str, *, rock: bool = False) -> None:
        rockspec = self.project(
            "alice",
            version,
            header=f'package = "e2e-victim"\nversion = "{version}"\n',
            attacker=False,
        )
        out = self.run(
            "upload",
            rockspec.name,
            "--skip-pack",
            f"--temp-key={self.alice_key}",
            f"--server={self.server}",
            cwd=rockspec.parent,
        )
        assert "Done:" in out
        if rock:
            version_id = self.check(self.alice_key, "e2e-victim", version)["version"]["id"]
            packed = self.pack(rockspec, version)
            status, body = self.curl_upload(
                f"/api/1/{self.alice_key}/upload_rock/{version_id}", "rock_file", packed
            )
            assert status == 200, body

    def pack(self, rockspec: Path, version: str) -> Path:
        """`luarocks make` + `luarocks pack`: a binary `.all.rock` as authors build them."""
        tree = rockspec.parent / "tree"
        plain = version.rsplit("-", 1)[0]
        self.run(
            "make", str(rockspec), f"--tree={tree}", cwd=rockspec.parent / f"e2e-victim-{plain}"
        )
        self.run("pack", "e2e-victim", version, f"--tree={tree}", cwd=rockspec.parent)
        self.marker.unlink(missing_ok=True)  # bob's own build ran here, on bob's machine
        rock = rockspec.parent / f"e2e-victim-{version}.all.rock"
        assert rock.exists()
        return rock

    def check(self, key: str, package: str, version: str) -> dict:
        url = f"{self.server}/api/1/{key}/check_rockspec?package={package}&version={version}"
        out = subprocess.run(["curl", "-sf", url], capture_output=True, check=True).stdout
        return json.loads(out)

    def curl_upload(self, path: str, field: str, file: Path) -> tuple[int, str]:
        """POST a file as `luarocks upload` does; bob needs no client to send what he likes."""
        result = subprocess.run(
            [
                "curl",
                "-s",
                "-A",
                "LuaSocket 3.0.0",
                "-w",
                "\n%{http_code}",
                "-F",
                f"{field}=@{file};type=application/octet-stream",
                f"{self.server}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        body, _, status = result.stdout.rpartition("\n")
        self.log.append(self.redacted(f"$ curl -F {field}=@{file.name} {path}\n{status} {body}"))
        return int(status), body

    def bob_uploads_rockspec(self, rockspec: Path) -> tuple[int, dict]:
        status, body = self.curl_upload(f"/api/1/{self.bob_key}/upload", "rockspec_file", rockspec)
        return status, json.loads(body)

    def installed_module(self, tree: Path) -> str:
        script = (
            f"package.path = '{tree}/share/lua/5.1/?.lua;' .. package.path\n"
            f"io.write(require('{MODULE}').who())"
        )
        return subprocess.run(
            ["lua5.1", "-e", script], capture_output=True, text=True, check=True
        ).stdout

    def assert_alice_installed(self, tree: Path) -> None:
        report = "\n".join(self.log)
        print(report)  # the client's own words, for the issue note
        assert not self.marker.exists(), f"bob's build command ran:\n{report}"
        assert self.installed_module(tree) == "alice", report


@pytest.fixture
def scene(luarocks_client, tmp_path) -> Scene:
    return Scene(luarocks_client, tmp_path)


def attacker_header(version: str, server_version: str) -> str:
    return ATTACKER_SWITCH.format(
        server=f'package = "e2e" version = "{server_version}"',
        client=f'package = "e2e-victim" version = "{version}"',
    )


def test_a_rockspec_named_like_another_package_is_not_installed(scene, tmp_path):
    scene.alice_publishes("1.0-1")
    evil = scene.project(
        "bob", "1.0-1", header=attacker_header("1.0-1", "victim-1.0-1"), attacker=True
    )
    status, body = scene.bob_uploads_rockspec(evil)

    tree = tmp_path / "tree"
    out = scene.run("install", "e2e-victim", f"--only-server={scene.server}", f"--tree={tree}")
    assert "e2e-victim 1.0-1" in out
    scene.assert_alice_installed(tree)
    # the server now sees what the client sees: bob's own `e2e-victim`, outside the root manifest
    assert status == 200 and body["module"]["name"] == "e2e-victim", body
    assert body["manifests"] == []


def test_a_rock_named_like_another_packages_rock_is_not_installed(scene, tmp_path):
    scene.alice_publishes("1.0-1", rock=True)
    # bob's server-side version, and a rock he built himself from a client-valid rockspec
    holder = scene.root / "bob-holder"
    holder.mkdir()
    plain = holder / "e2e-victim-1.0-1.rockspec"
    plain.write_text(
        'package = "e2e"\nversion = "victim-1.0-1"\nsource = { url = "https://example.org/x" }\n'
        'build = { type = "builtin", modules = {} }\n'
    )
    status, body = scene.bob_uploads_rockspec(plain)
    if status == 200:
        evil = scene.project(
            "bob",
            "1.0-1",
            header='package = "e2e-victim"\nversion = "1.0-1"\n',
            attacker=True,
        )
        rock = scene.pack(evil, "1.0-1")
        status, body = scene.curl_upload(
            f"/api/1/{scene.bob_key}/upload_rock/{body['version']['id']}", "rock_file", rock
        )
    else:
        assert (status, body) == (400, {"errors": [INVALID_VERSION]})

    tree = tmp_path / "tree"
    out = scene.run("install", "e2e-victim", f"--only-server={scene.server}", f"--tree={tree}")
    assert "e2e-victim 1.0-1" in out
    scene.assert_alice_installed(tree)


def test_a_dev_rockspec_named_like_another_package_is_not_installed(scene, tmp_path):
    scene.alice_publishes("scm-1")
    evil = scene.project(
        "bob", "scm-1", header=attacker_header("scm-1", "victim-scm-1"), attacker=True
    )
    scene.bob_uploads_rockspec(evil)
    # --only-server cannot be combined with --dev: the config names only this server
    config = scene.luarocks.home / ".luarocks" / "config-5.1.lua"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'rocks_servers = {{ "{scene.server}" }}\n')

    tree = tmp_path / "tree"
    out = scene.run("install", "e2e-victim", "--dev", f"--tree={tree}")
    assert "e2e-victim scm-1" in out
    scene.assert_alice_installed(tree)


def test_a_namespaced_install_gets_the_namespace_owners_package(scene, tmp_path):
    moderator = UserFactory(username="mod", rank=Rank.MODERATOR, is_staff=True)
    evil = scene.project(
        "bob", "1.0-1", header=attacker_header("1.0-1", "victim-1.0-1"), attacker=True
    )
    status, body = scene.bob_uploads_rockspec(evil)  # before alice's: the older row
    scene.alice_publishes("1.0-1")
    if status == 200 and body["module"]["name"] == "e2e":
        # "please give my e2e to alice, she maintains the e2e family": a moderator does
        transfer_ownership(
            by=moderator, package=Package.objects.get(author=scene.bob), new_owner=scene.alice
        )

    tree = tmp_path / "tree"
    out = scene.run(
        "install", "alice/e2e-victim", f"--only-server={scene.server}", f"--tree={tree}"
    )
    assert "e2e-victim 1.0-1" in out
    scene.assert_alice_installed(tree)
