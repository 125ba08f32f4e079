"""`manage.py import_rocks`: a folder of 100 generated rockspecs (and rocks), and a rocks server URL.

The folder stands for a rocks tree moved from another server: several versions of each rock, a
rockspec with a syntax error, one without a revision, one whose file name lies about its content,
a `.src.rock` whose version has no rockspec file (it brings its own inside) and binary rocks.
"""

import functools
import http.server
import io
import shutil
import subprocess
import threading
import zipfile

import pytest
from django.conf import settings

from accounts.models import User
from packages.models import Package
from registry.luarocks.manifest_reader import read_manifest
from releases.models import Release
from tests.imports.support import census, outcomes, run_command
from tests.luarocks.rockdata import rockspec

pytestmark = pytest.mark.django_db

ROCKS = [f"rock{n:02d}" for n in range(24)]
VERSIONS = ["0.9-1", "1.0-1", "1.1-1", "2.0-1"]


def src_rock(name: str, version: str, *, with_rockspec: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as rock:
        if with_rockspec:
            rock.writestr(f"{name}-{version}.rockspec", rockspec(name, version))
        rock.writestr(f"{name}/src/{name}.lua", "return {}\n")
    return buffer.getvalue()


@pytest.fixture
def rocks_folder(tmp_path):
    folder = tmp_path / "rocks"
    folder.mkdir()
    for name in ROCKS:  # 24 x 4 = 96 valid rockspecs
        for version in VERSIONS:
            (folder / f"{name}-{version}.rockspec").write_bytes(
                rockspec(name, version, lua="lua >= 5.1", summary=f"{name} at {version}")
            )
    # four that must be refused, with their reason: 100 rockspecs in all
    (folder / "broken-1.0-1.rockspec").write_bytes(b'package = "broken"\nversion = \n')
    (folder / "norev-1.0-1.rockspec").write_bytes(rockspec("norev", "1.0"))
    (folder / "liar-1.0-1.rockspec").write_bytes(rockspec("honest", "1.0-1"))
    (folder / "empty-1.0-1.rockspec").write_bytes(b"")
    # rocks: binary rocks of existing versions, a src.rock that carries its own rockspec, and one
    # that carries none
    (folder / "rock00-2.0-1.linux-x86_64.rock").write_bytes(src_rock("rock00", "2.0-1"))
    (folder / "rock00-2.0-1.src.rock").write_bytes(src_rock("rock00", "2.0-1"))
    (folder / "packed-3.1-1.src.rock").write_bytes(src_rock("packed", "3.1-1"))
    (folder / "bare-1.0-1.src.rock").write_bytes(src_rock("bare", "1.0-1", with_rockspec=False))
    (folder / "README.md").write_text("not a rock")
    return folder


def test_folder_of_100_rockspecs_imports_once_and_then_changes_nothing(rocks_folder, client):
    assert len(list(rocks_folder.glob("*.rockspec"))) == 100
    assert settings.RATELIMIT_UPLOADS[0] < 100  # more than an account may upload in an hour

    report, status = run_command("import_rocks", str(rocks_folder), "--owner", "importer")

    assert status == 1  # something was refused
    items = outcomes(report)
    assert User.objects.filter(username="importer").exists()
    assert items["importer"] == "imported"
    for name in ROCKS:
        for version in VERSIONS:
            assert items[f"{name}-{version}.rockspec"] == "imported"
    refused = {i["name"]: i["reason"] for i in report["items"] if i["outcome"] == "refused"}
    assert refused == {
        "broken-1.0-1.rockspec": (
            "Failed to parse rockspec: [string \"rockspec\"]:3: unexpected symbol near '<eof>'"
        ),
        "norev-1.0-1.rockspec": refused["norev-1.0-1.rockspec"],
        "liar-1.0-1.rockspec": "the file name says liar 1.0-1, the rockspec honest 1.0-1",
        "empty-1.0-1.rockspec": refused["empty-1.0-1.rockspec"],
        "bare-1.0-1.src.rock": "no rockspec of this version, and the rock holds none",
    }
    assert "revision" in refused["norev-1.0-1.rockspec"]
    assert refused["empty-1.0-1.rockspec"]
    assert items["rock00-2.0-1.linux-x86_64.rock"] == "imported"
    assert items["rock00-2.0-1.src.rock"] == "imported"
    assert items["packed-3.1-1.rockspec (from packed-3.1-1.src.rock)"] == "imported"
    assert items["packed-3.1-1.src.rock"] == "imported"
    assert report["counts"] == {"imported": 1 + 96 + 4, "refused": 5}

    owner = User.objects.get(username="importer")
    assert Package.objects.filter(author=owner).count() == 25
    assert Release.objects.filter(package__author=owner).count() == 97
    # the package shows its newest rockspec
    assert Package.objects.get(author=owner, name="rock07").short_description == "rock07 at 2.0-1"

    before = census()
    again, status = run_command("import_rocks", str(rocks_folder), "--owner", "importer")
    assert census() == before
    assert status == 1  # the same five refusals, nothing else
    counts = again["counts"]
    assert counts == {"unchanged": 96 + 3, "refused": 5}  # the rockspec from the rock is there
    assert "imported" not in counts

    # the manifests list what was imported, as luarocks reads them
    user_manifest = read_manifest(client.get("/manifests/importer/manifest").content)
    repository = user_manifest["repository"]
    assert sorted(repository) == sorted([*ROCKS, "packed"])
    assert sorted(repository["rock03"]) == sorted(VERSIONS)
    assert [e["arch"] for e in repository["rock00"]["2.0-1"]] == [
        "rockspec",
        "linux-x86_64",
        "src",
    ]
    root = read_manifest(client.get("/manifest").content)["repository"]
    assert sorted(root) == sorted([*ROCKS, "packed"])
    answer = client.get("/rock05-1.1-1.rockspec")
    assert answer.status_code == 200
    assert (
        b"".join(answer.streaming_content) == (rocks_folder / "rock05-1.1-1.rockspec").read_bytes()
    )


def test_different_bytes_for_an_existing_version_are_refused_not_overwritten(rocks_folder):
    run_command("import_rocks", str(rocks_folder), "--owner", "importer")
    changed = rockspec("rock01", "1.0-1", summary="changed upstream")
    (rocks_folder / "rock01-1.0-1.rockspec").write_bytes(changed)
    (rocks_folder / "rock00-2.0-1.src.rock").write_bytes(src_rock("rock00", "2.0-1") + b"x")
    before = census()

    report, status = run_command("import_rocks", str(rocks_folder), "--owner", "importer")

    assert status == 1
    reasons = {i["name"]: i["reason"] for i in report["items"] if i["outcome"] == "refused"}
    assert reasons["rock01-1.0-1.rockspec"] == (
        "rock01 1.0-1 exists with other content; not overwritten"
    )
    assert reasons["rock00-2.0-1.src.rock"] == (
        "this rock exists with other content; not overwritten"
    )
    assert census() == before


def test_an_interrupted_import_resumes(rocks_folder, monkeypatch):
    """A run stopped half-way (here: the process dies at the 40th upload) leaves whole items; the
    next run imports the rest and ends where an uninterrupted run ends."""
    from releases import uploads

    real = uploads.upload_rockspec
    calls = {"n": 0}

    def dying(**kwargs):
        calls["n"] += 1
        if calls["n"] == 40:
            raise KeyboardInterrupt
        return real(**kwargs)

    monkeypatch.setattr("registry.luarocks.imports.upload_rockspec", dying)
    with pytest.raises(KeyboardInterrupt):
        run_command("import_rocks", str(rocks_folder), "--owner", "importer")
    assert Release.objects.count() == 39
    monkeypatch.setattr("registry.luarocks.imports.upload_rockspec", real)

    report, _status = run_command("import_rocks", str(rocks_folder), "--owner", "importer")
    assert report["counts"]["unchanged"] == 39
    assert Release.objects.count() == 97


def test_the_upload_limit_still_holds_for_the_upload_api(user, settings):
    """The command's bypass is the services' explicit `rate_limited=False`; every face still
    counts (no face module passes it)."""
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "registry"
    passing = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "rate_limited=False" in path.read_text()
    )
    assert passing == ["contentdb/imports.py", "luarocks/imports.py"]


# --- a rocks server URL -----------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def rocks_server(tmp_path, settings):
    """A folder served by http.server on loopback, its manifest made by `luarocks-admin`."""
    if shutil.which("luarocks-admin") is None:
        pytest.skip("luarocks-admin is not installed")
    folder = tmp_path / "server"
    folder.mkdir()
    for name, versions in {"alpha": ["1.0-1", "1.2-1"], "beta-lib": ["0.1-1"]}.items():
        for version in versions:
            (folder / f"{name}-{version}.rockspec").write_bytes(rockspec(name, version))
    (folder / "alpha-1.2-1.src.rock").write_bytes(src_rock("alpha", "1.2-1"))
    (folder / "gamma-2.0-1.src.rock").write_bytes(src_rock("gamma", "2.0-1"))
    subprocess.run(
        ["luarocks-admin", "make_manifest", "--local-tree", str(folder)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert (folder / "manifest").exists()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GIT_IMPORT_PERMITTED_NETWORKS = ["127.0.0.0/8"]
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_from_a_rocks_server_url(rocks_server, client):
    report, status = run_command("import_rocks", rocks_server, "--owner", "mirror")

    assert status == 0
    assert outcomes(report) == {
        "mirror": "imported",
        "alpha-1.0-1.rockspec": "imported",
        "alpha-1.2-1.rockspec": "imported",
        "beta-lib-0.1-1.rockspec": "imported",
        "alpha-1.2-1.src.rock": "imported",
        "gamma-2.0-1.rockspec (from gamma-2.0-1.src.rock)": "imported",
        "gamma-2.0-1.src.rock": "imported",
    }
    repository = read_manifest(client.get("/manifests/mirror/manifest").content)["repository"]
    assert sorted(repository) == ["alpha", "beta-lib", "gamma"]

    before = census()
    again, status = run_command("import_rocks", rocks_server, "--owner", "mirror")
    assert status == 0 and census() == before
    assert set(outcomes(again).values()) == {"unchanged"}


def test_a_rocks_server_url_follows_the_git_import_rules(rocks_server, settings):
    from django.core.management.base import CommandError

    settings.GIT_IMPORT_PERMITTED_NETWORKS = []  # loopback is private: refused before connecting
    with pytest.raises(CommandError) as refused:
        run_command("import_rocks", rocks_server, "--owner", "mirror")
    assert refused.value.returncode == 2
    assert "public internet address" in str(refused.value)

    settings.IMPORT_URL_SCHEMES = ["https"]
    with pytest.raises(CommandError) as refused:
        run_command("import_rocks", rocks_server, "--owner", "mirror")
    assert "must start with https://" in str(refused.value)
    assert not Package.objects.exists()


def test_a_missing_folder_is_an_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as missing:
        run_command("import_rocks", str(tmp_path / "nope"), "--owner", "importer")
    assert missing.value.returncode == 2


class _Redirecting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:1/manifest")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_refused_not_followed(settings):
    from django.core.management.base import CommandError

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.GIT_IMPORT_PERMITTED_NETWORKS = ["127.0.0.0/8"]
    try:
        with pytest.raises(CommandError) as refused:
            run_command(
                "import_rocks", f"http://127.0.0.1:{server.server_address[1]}", "--owner", "m"
            )
    finally:
        server.shutdown()
        server.server_close()
    assert refused.value.returncode == 2
    assert "redirects are not followed (302)" in str(refused.value)
    assert _Redirecting.hits == ["/manifest"]
    assert not User.objects.filter(username="mirror").exists()  # nothing written


def test_the_import_ignores_a_tight_upload_limit_and_the_api_still_keeps_it(
    rocks_folder, settings, client
):
    settings.RATELIMIT_UPLOADS = (2, 3600)
    report, _status = run_command("import_rocks", str(rocks_folder), "--owner", "importer")
    assert report["counts"]["imported"] == 101

    from accounts.services import create_api_key

    owner = User.objects.get(username="importer")
    _key, secret = create_api_key(user=owner)
    statuses = []
    for n in range(3):
        answer = client.post(
            f"/api/1/{secret}/upload",
            {"rockspec_file": io.BytesIO(rockspec("viaapi", f"{n}.0-1"))},
        )
        statuses.append(answer.status_code)
    assert statuses == [200, 200, 429]


def test_replace_false_never_overwrites_a_version_under_the_lock(user):
    """What the import relies on if the version appears between its look-up and its upload."""
    from releases.errors import ReleaseExists
    from releases.uploads import upload_rock, upload_rockspec

    first = upload_rockspec(by=user, filename="x.rockspec", content=rockspec("race", "1.0-1"))
    upload_rock(by=user, release=first.release, filename="race-1.0-1.all.rock", content=b"one")
    with pytest.raises(ReleaseExists):
        upload_rockspec(
            by=user,
            filename="x.rockspec",
            content=rockspec("race", "1.0-1", summary="other"),
            replace=False,
        )
    with pytest.raises(ReleaseExists):
        upload_rock(
            by=user,
            release=first.release,
            filename="race-1.0-1.all.rock",
            content=b"two",
            replace=False,
        )
    first.release.refresh_from_db()
    assert first.release.revision == 1
    assert first.release.files.get(arch="all").size == 3
