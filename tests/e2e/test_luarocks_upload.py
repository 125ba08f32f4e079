"""`luarocks upload` (Debian's 3.8.0 on Lua 5.1, unchanged) against the live site.

What the client printed at each step is recorded in the issue note; the assertions pin the lines a
person reads: "Done: <module_url>", "already exists", "Invalid key", the root-manifest warning.
"""

import tarfile
from pathlib import Path

import pytest

from accounts.services import create_api_key, revoke_api_key
from packages.models import Package
from releases.models import FileKind, Release, ReleaseFile
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def write_rockspec(root: Path, version: str, *, source_url: str | None = None) -> Path:
    """`hello-<version>.rockspec`, a valid rockspec the client's own type checks accept."""
    plain = version.rsplit("-", 1)[0]
    url = source_url or f"https://example.org/hello-{plain}.tar.gz"
    path = root / f"hello-{version}.rockspec"
    path.write_text(
        'rockspec_format = "3.0"\n'
        'package = "Hello"\n'
        f'version = "{version}"\n'
        f'source = {{ url = "{url}", dir = "hello-{plain}" }}\n'
        'description = { summary = "Says hello", license = "MIT", labels = { "demo" } }\n'
        'dependencies = { "lua >= 5.1, < 5.5" }\n'
        'build = { type = "builtin", modules = { hello = "src/hello.lua" } }\n'
    )
    return path


def write_tarball(root: Path, version: str) -> Path:
    plain = version.rsplit("-", 1)[0]
    src = root / f"hello-{plain}" / "src"
    src.mkdir(parents=True)
    (src / "hello.lua").write_text('return { hello = function() return "hello" end }\n')
    tarball = root / f"hello-{plain}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(src.parent, arcname=f"hello-{plain}")
    return tarball


@pytest.fixture
def work(tmp_path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def test_upload_versions_refuse_a_duplicate_and_report_a_bad_key(luarocks_client, work, site_url):
    user = UserFactory(username="alice")
    _, key = create_api_key(user=user)

    first = luarocks_client.upload(write_rockspec(work, "1.0-1"), key, "--skip-pack")
    print("first upload:\n" + first.output)
    assert first.returncode == 0, first.output
    assert "Will create new module (Hello)" in first.output
    assert f"Done: {site_url}/modules/alice/hello" in first.output
    assert "Warning" not in first.output

    second = luarocks_client.upload(write_rockspec(work, "1.1-1"), key, "--skip-pack")
    print("second version:\n" + second.output)
    assert second.returncode == 0, second.output
    assert "Will create new module" not in second.output
    assert f"Done: {site_url}/modules/alice/hello" in second.output

    again = luarocks_client.upload(work / "hello-1.0-1.rockspec", key, "--skip-pack")
    print("same version again:\n" + again.output)
    assert again.returncode != 0
    assert "Revision 1.0-1 already exists on the server" in again.output

    forced = luarocks_client.upload(work / "hello-1.0-1.rockspec", key, "--skip-pack", "--force")
    print("same version with --force:\n" + forced.output)
    assert forced.returncode == 0, forced.output
    assert "Done:" in forced.output

    bad = luarocks_client.upload(work / "hello-1.1-1.rockspec", "A" * 40, "--skip-pack")
    print("bad key:\n" + bad.output)
    assert bad.returncode != 0
    assert "Invalid key (use the --api-key flag to change)" in bad.output

    stored_bad = luarocks_client.run(
        "upload",
        "hello-1.1-1.rockspec",
        "--skip-pack",
        f"--api-key={'B' * 40}",
        f"--server={luarocks_client.server}",
        cwd=work,
    )
    print("bad key given with --api-key:\n" + stored_bad.output)
    assert stored_bad.returncode != 0
    assert "Invalid key (use the --api-key flag to change)" in stored_bad.output
    assert not (luarocks_client.home / ".luarocks" / "upload_config.lua").exists()

    package = Package.objects.get()
    assert (package.name, package.title, package.in_root_manifest) == ("hello", "Hello", True)
    releases = {r.name: r for r in Release.objects.all()}
    assert set(releases) == {"1.0-1", "1.1-1"}
    assert releases["1.0-1"].revision == 2 and releases["1.1-1"].revision == 1
    assert releases["1.1-1"].lua_constraint == "lua >= 5.1, < 5.5"
    stored = ReleaseFile.objects.get(release=releases["1.1-1"], kind=FileKind.ROCKSPEC)
    assert stored.file.read() == (work / "hello-1.1-1.rockspec").read_bytes()
    assert not (luarocks_client.home / ".luarocks" / "upload_config.lua").exists()  # --temp-key


def test_revoked_key_and_taken_root_name_are_reported(luarocks_client, work):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    _, alice_key = create_api_key(user=alice)
    bob_key_row, bob_key = create_api_key(user=bob)
    assert (
        luarocks_client.upload(write_rockspec(work, "1.0-1"), alice_key, "--skip-pack").returncode
        == 0
    )

    taken = luarocks_client.upload(work / "hello-1.0-1.rockspec", bob_key, "--skip-pack")
    print("another user, same name:\n" + taken.output)
    assert taken.returncode == 0, taken.output
    assert "Warning: module not added to root manifest due to name taken." in taken.output
    assert "/modules/bob/hello" in taken.output

    revoke_api_key(key=bob_key_row)
    revoked = luarocks_client.upload(work / "hello-1.0-1.rockspec", bob_key, "--skip-pack")
    print("revoked key:\n" + revoked.output)
    assert revoked.returncode != 0
    assert "The API key you provided has been revoked" in revoked.output


def test_packed_src_rock_goes_through_upload_rock(luarocks_client, work, site_url):
    user = UserFactory(username="alice")
    _, key = create_api_key(user=user)
    tarball = write_tarball(work, "2.0-1")
    rockspec = write_rockspec(work, "2.0-1", source_url=f"file://{tarball}")

    packed = luarocks_client.upload(rockspec, key)  # packs hello-2.0-1.src.rock from file://
    print("upload with packing:\n" + packed.output)
    assert packed.returncode == 0, packed.output
    assert "Packing Hello" in packed.output
    assert "Sending" in packed.output and "hello-2.0-1.src.rock" in packed.output
    assert f"Done: {site_url}/modules/alice/hello" in packed.output

    rock = ReleaseFile.objects.get(kind=FileKind.ROCK)
    assert (rock.arch, rock.filename, rock.release.name) == ("src", "hello-2.0-1.src.rock", "2.0-1")
    assert rock.file.read() == (work / "hello-2.0-1.src.rock").read_bytes()
