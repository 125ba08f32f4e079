"""`manage.py import_contentdb`: a ContentDB-shaped export imported twice, and its refusals.

The round trip stands for an operator moving a ContentDB instance here: the export is made from
our own API's answers (detail, releases, screenshots, plus the downloaded files), the data is then
rolled back, and the import must bring back what the API served: a mod with two releases, two
screenshots and a maintainer, a game, a texture pack, all approved.
"""

import json
from pathlib import Path

import pytest
from django.db import transaction

from accounts.services import get_or_create_user
from packages.models import License, Package, PackageState
from packages.package_edits import PackageChanges, create_package
from packages.screenshots import add_screenshot
from packages.workflow import approve_package
from releases.management.commands.seed_demo import release_zip
from releases.models import Release
from releases.zip_releases import create_zip_release
from tests.contentdb_writes.support import png_bytes
from tests.imports.support import census, outcomes, run_command

pytestmark = pytest.mark.django_db

PACKAGES = [
    # author, type, name, title, conf lines, releases, screenshots, maintainers
    # the game first: a new mod's hard dependency needs an approved provider (ContentDB's rule)
    ("rubens", "GAME", "voxel_valley", "Voxel Valley", [], 1, 1, []),
    ("sofia", "MOD", "farming_plus", "Farming Plus", ["depends = valley_core"], 2, 2, ["rubens"]),
    ("kaito", "TXP", "crisp16", "Crisp 16", [], 1, 0, []),
]
COMPARED = [
    "author",
    "maintainers",
    "state",
    "dev_state",
    "name",
    "title",
    "short_description",
    "long_description",
    "type",
    "license",
    "media_license",
    "repo",
    "website",
    "forums",
    "forum_url",
    "tags",
    "content_warnings",
    "provides",
]
RELEASE_KEYS = ["name", "title", "release_notes", "commit", "min_minetest_version", "size"]
SHOT_KEYS = ["order", "title", "width", "height", "approved", "is_cover_image"]


def _api(client, path: str):
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.content[:200])
    return answer.json()


def _body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def _build_packages() -> None:
    mit = License.objects.get(name="MIT")
    for author, ptype, name, title, conf, releases, shots, maintainers in PACKAGES:
        user = get_or_create_user(username=author)[0]
        package = create_package(
            by=user,
            changes=PackageChanges(
                type=ptype,
                name=name,
                title=title,
                short_description=f"{title}, exported",
                long_description=f"# {title}\n\nMade for the import test.",
                license=mit.name,
                media_license=mit.name,
                repo=f"https://example.org/{author}/{name}",
                forums=1000 + len(name),
                dev_state="ACTIVELY_DEVELOPED",
                tags=["survival"] if ptype == "GAME" else [],
            ),
        )
        for number in range(1, releases + 1):
            create_zip_release(
                package=package,
                by=user,
                name=f"1.{number}",
                title=f"{title} 1.{number}",
                release_notes=f"Release {number}",
                file=release_zip(ptype, name, title, [*conf, f"description = v{number}"]),
            )
        for number in range(1, shots + 1):
            add_screenshot(
                package=package,
                by=user,
                title=f"{title} shot {number}",
                file=png_bytes(1000, 600, color=(number * 40, 90, 160)),
                is_cover_image=number == 1,
            )
        for other in maintainers:
            package.maintainers.add(get_or_create_user(username=other)[0])
        approve_package(package=package)


def export_from_our_api(client, folder: Path) -> tuple[Path, dict[str, dict]]:
    """The export as an operator would make it with GETs of our API, and the answers seen."""
    folder.mkdir()
    export, seen = [], {}
    sid = transaction.savepoint()
    _build_packages()
    for author, _type, name, *_ in PACKAGES:
        base = f"/api/packages/{author}/{name}/"
        package = _api(client, base)
        package["releases"] = _api(client, base + "releases/")
        package["screenshots"] = _api(client, base + "screenshots/")
        for release in package["releases"]:
            path = f"{name}-{release['name']}.zip"
            (folder / path).write_bytes(_body(client.get(release["url"])))
            release["file"] = path
        for shot in package["screenshots"]:
            path = f"{name}-shot-{shot['order']}.png"
            (folder / path).write_bytes(_body(client.get(shot["url"])))
            shot["file"] = path
        export.append(package)
        seen[f"{author}/{name}"] = json.loads(json.dumps(package))
    transaction.savepoint_rollback(sid)
    assert not Package.objects.exists()
    path = folder / "export.json"
    path.write_text(json.dumps(export, indent=1))
    return path, seen


def test_an_export_of_our_api_imports_back_and_a_second_run_changes_nothing(client, tmp_path):
    path, seen = export_from_our_api(client, tmp_path / "export")

    report, status = run_command("import_contentdb", str(path))

    assert status == 0, report
    items = outcomes(report)
    for author, _type, name, *_ in PACKAGES:
        assert items[f"{author}/{name}"] == "imported"  # the package item (users, state share it)
    kinds = {(i["kind"], i["outcome"]) for i in report["items"]}
    assert ("release", "imported") in kinds and ("screenshot", "imported") in kinds
    assert (
        report["counts"]["imported"] == 3 + 3 + 4 + 3 + 3
    )  # users, packages, releases, shots, states
    for key, before in seen.items():
        author, name = key.split("/")
        after = _api(client, f"/api/packages/{key}/")
        assert {k: after[k] for k in COMPARED} == {k: before[k] for k in COMPARED}
        assert after["state"] == PackageState.APPROVED
        releases = _api(client, f"/api/packages/{key}/releases/")
        assert [{k: r[k] for k in RELEASE_KEYS} for r in releases] == [
            {k: r[k] for k in RELEASE_KEYS} for r in before["releases"]
        ]
        assert after["release"] == releases[0]["id"]
        shots = _api(client, f"/api/packages/{key}/screenshots/")
        assert [{k: s[k] for k in SHOT_KEYS} for s in shots] == [
            {k: s[k] for k in SHOT_KEYS} for s in before["screenshots"]
        ]
    listed = {(p["author"], p["name"]) for p in _api(client, "/api/packages/")}
    assert listed == {(a, n) for a, _t, n, *_ in PACKAGES}
    download = client.get("/packages/sofia/farming_plus/download/", REMOTE_ADDR="10.0.0.9")
    assert download.status_code in (200, 302)

    before = census()
    again, status = run_command("import_contentdb", str(path))
    assert status == 0
    assert census() == before
    assert set(outcomes(again).values()) == {"unchanged"}
    assert "imported" not in again["counts"]


def _hand_export(folder: Path) -> Path:
    folder.mkdir()
    good = release_zip("MOD", "lots", "Lots", [])
    (folder / "lots.zip").write_bytes(good)
    (folder / "broken.zip").write_bytes(b"this is no zip")
    (folder / "tiny.png").write_bytes(png_bytes(100, 50))
    releases = [
        {
            "id": n,
            "name": f"0.{n}",
            "title": f"Lots 0.{n}",
            "release_notes": None,
            "file": "lots.zip",
        }
        for n in range(1, 8)
    ]
    releases.append({"id": 8, "name": "0.8", "title": "Broken", "file": "broken.zip"})
    releases.append({"id": 9, "name": "0.9", "title": "Missing", "file": "nowhere.zip"})
    releases.append({"id": 10, "name": "0.10", "title": "No file", "url": "/uploads/x.zip"})
    export = [
        {
            "author": "maker",
            "maintainers": ["maker"],
            "state": "WIP",
            "name": "lots",
            "title": "Lots",
            "short_description": "Seven releases at once",
            "type": "mod",
            "license": "MIT",
            "media_license": "MIT",
            "releases": releases,
            "screenshots": [{"order": 1, "title": "Too small", "file": "tiny.png"}],
        },
        {
            "author": "maker",
            "name": "badlicence",
            "title": "Bad",
            "short_description": "x",
            "type": "mod",
            "license": "No Such Licence",
            "media_license": "MIT",
            "releases": [],
            "screenshots": [],
        },
        {"author": "bad name!", "name": "x"},
        "not an object",
    ]
    path = folder / "export.json"
    path.write_text(json.dumps(export))
    return path


def test_refusals_are_reported_with_their_reason_and_the_rest_imports(tmp_path):
    path = _hand_export(tmp_path / "hand")

    report, status = run_command("import_contentdb", str(path))

    assert status == 1
    refused = {
        (i["kind"], i["name"]): i["reason"] for i in report["items"] if i["outcome"] == "refused"
    }
    assert refused[("package", "maker/badlicence")] == "Unknown license No Such Licence"
    assert "zip" in refused[("release", "maker/lots 0.8")].lower()
    assert "nowhere.zip" in refused[("release", "maker/lots 0.9")]
    assert refused[("release", "maker/lots 0.10")].startswith("no file")
    assert "920" in refused[("screenshot", "maker/lots Too small")]
    assert ("user", "bad name!") in refused
    assert ("package", "'not an object'") in refused
    # seven releases of one package at once: the 5-in-5-minutes limit is an author's, not the
    # operator's (and the same zip seven times is accepted, as an upload would be)
    package = Package.objects.get(name="lots")
    assert package.state == PackageState.WIP
    assert Release.objects.filter(package=package).count() == 7

    before = census()
    again, status = run_command("import_contentdb", str(path))
    assert status == 1 and census() == before
    assert again["counts"].get("imported", 0) == 0


def test_an_unreadable_export_is_an_error(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CommandError) as error:
        run_command("import_contentdb", str(tmp_path / "x.json"))
    assert error.value.returncode == 2
    with pytest.raises(CommandError):
        run_command("import_contentdb", str(tmp_path / "missing.json"))


def test_files_given_by_url_are_fetched_under_the_url_rules(tmp_path, settings):
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    (served / "webmod.zip").write_bytes(release_zip("MOD", "webmod", "Web Mod", []))
    (served / "shot.png").write_bytes(png_bytes(1000, 600))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    export = [
        {
            "author": "webber",
            "name": "webmod",
            "title": "Web Mod",
            "short_description": "Files from a URL",
            "type": "mod",
            "license": "MIT",
            "media_license": "MIT",
            "state": "APPROVED",
            "releases": [{"name": "1.0", "title": "1.0", "url": f"{base}/webmod.zip"}],
            "screenshots": [{"order": 1, "title": "Shot", "file": f"{base}/shot.png"}],
        }
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    try:
        settings.GIT_IMPORT_PERMITTED_NETWORKS = []  # loopback is not public: refused
        report, status = run_command("import_contentdb", str(path))
        assert status == 1
        reasons = {i["kind"]: i["reason"] for i in report["items"] if i["outcome"] == "refused"}
        assert "public internet address" in reasons["release"]
        assert "public internet address" in reasons["screenshot"]

        settings.GIT_IMPORT_PERMITTED_NETWORKS = ["127.0.0.0/8"]
        report, status = run_command("import_contentdb", str(path))
    finally:
        server.shutdown()
        server.server_close()
    assert status == 0, report
    assert outcomes(report)["webber/webmod 1.0"] == "imported"
    assert outcomes(report)["webber/webmod Shot"] == "imported"
    package = Package.objects.get(name="webmod")
    assert package.state == PackageState.APPROVED
    assert package.screenshots.count() == 1
