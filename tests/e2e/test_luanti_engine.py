"""The real Luanti client (Debian's `minetest` 5.6.1) browses, installs and updates content from us.

The live server holds the demo data plus two mods published through the ContentDB API with a token,
as an author's tool would: `lantern_lib` and `lanterns`, which depends on it. The engine starts under
Xvfb with a throwaway user folder and `contentdb_url` pointing at the server, three times:

1. its stock main menu, driven from inside (tests/e2e/luanti/menu_driver.lua): open the content
   store, list, search, press "view" on a package, install `lanterns` with its dependency;
2. a singleplayer world with both installed mods enabled, where a test mod shows our package page
   (5.6's menu cannot draw hypertext; tests/e2e/luanti/regtest_page/): the mods load, and the
   engine draws our hypertext;
3. after a newer release is published, the menu again (5.6 loads the store's list once per
   session): the store offers the update and installs it.

The engine's HTTP client, zip extraction and install code do all the work; the test checks what
they left in the user's mods/ folder, what the server counted, and every request the engine made.

With SCREENSHOTS_DIR set, the store and the package page are saved there
(`SCREENSHOTS_DIR=docs/screenshots pytest tests/e2e -k luanti_engine` makes the README's pictures).
"""

import datetime
import io
import json
import logging
import re

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.utils import timezone

from accounts.services import create_api_token
from packages.models import Package, PackageDailyStats
from releases.download_counts import flush_downloads
from releases.models import Release
from tests.browser.helpers import replace_demo_screenshots
from tests.e2e.luanti_engine import MISSING, LuantiEngine, engine_available
from tests.e2e.luanti_support import (
    LANTERNS_1,
    LANTERNS_2,
    LIB_FILES,
    Api,
    ServerLog,
    assert_installed,
    get,
    listed_titles,
    publish_lanterns,
    save_screenshot,
)

log = logging.getLogger(__name__)
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not engine_available(), reason=MISSING),
]

# docs/protocols/luanti-client.md section 2
USER_AGENT = re.compile(r"^Minetest/5\.6\.1 \(Linux/\S+ \S+\)$")
LIST_QUERY = (
    "type=mod&type=game&type=txp&protocol_version=41&engine_version=5.6.1"
    "&hide=nonfree&hide=desktop_default"
)
DEPS_QUERY = "only_hard=1&protocol_version=41&engine_version=5.6.1"


@pytest.fixture
def server_log():
    recorder = ServerLog()
    request_started.connect(recorder.started, weak=False)
    request_finished.connect(recorder.finished, weak=False)
    yield recorder
    request_started.disconnect(recorder.started)
    request_finished.disconnect(recorder.finished)


# The test --------------------------------------------------------------------------------------


def test_luanti_engine_browses_installs_and_updates_from_us(site_url, tmp_path, server_log, clock):
    clock.now = datetime.datetime.now(datetime.UTC)  # the live server runs in this process
    call_command("seed_demo", stdout=io.StringIO())
    replace_demo_screenshots()  # real-size pictures, so the store's thumbnails show something
    releases = publish_lanterns(site_url)
    engine = LuantiEngine(
        tmp_path / "luanti", site_url, search="lanterns", mods=["lanterns", "lantern_lib"]
    )

    protocol = install_from_the_store(engine, site_url, tmp_path, releases)
    install = server_log.engine()
    check_downloads_counted(
        server_log,
        releases,
        {"lanterns": ("new", (1, 1, 0, 0)), "lantern_lib": ("dependency", (1, 0, 1, 0))},
    )

    show_the_package_page_in_game(engine, site_url, tmp_path, protocol)
    game = server_log.engine()[len(install) :]

    # a newer release, published while nobody looks; the next session offers and installs it
    author = Package.objects.get(name="lanterns").author
    api = Api(site_url, create_api_token(user=author, name="release tool")[1])
    releases["lanterns_2"] = api.release("lanterns", "2.0.0", LANTERNS_2)
    # the next day: a download counts once per address, package and day (docs/security.md)
    clock.now += datetime.timedelta(days=1)
    update_from_the_store(engine, releases)
    update = server_log.engine()[len(install) + len(game) :]
    check_downloads_counted(server_log, releases, {"lanterns_2": ("update", (1, 0, 0, 1))})

    check_engine_requests(install, game, update, engine, releases)


def install_from_the_store(engine, site_url, tmp_path, releases) -> int:
    """Session 1, the menu: list, search, view, install with the dependency. Returns the engine's
    protocol version."""
    run = engine.start_menu("install")
    try:
        menu = run.wait("menu")
        opened = run.wait("store_opened")
        listed = run.wait("store_list")
        save_screenshot(run, tmp_path, "luanti-store.png")
        run.signal("store_shot")
        searched = run.wait("search")
        viewed = run.wait("view")
        dialog = run.wait("install_dialog")
        run.wait("install_pressed")
        run.wait("installed")
        run.finish()
    finally:
        run.kill()

    # the store showed our list, found the mod, and its dependency dialog found the library
    catalogue = json.loads(get(f"{site_url}/api/packages/?{LIST_QUERY}")[1])
    assert len(catalogue) == 9  # the demo's seven and the two lantern mods
    titles = [f"{p['title']} by {p['author']}" for p in catalogue]
    assert listed_titles(opened["formspec"]) == titles[:5]  # 5.6 shows five a page
    assert "pagenum;1 / 2]" in opened["formspec"]
    assert "error_screenshot.png" not in listed["formspec"], run.explain("a thumbnail failed")
    assert listed_titles(searched["formspec"]) == ["Lanterns by mira"]
    assert "Lantern Library by mira" in dialog["formspec"], run.explain("dependency dialog")
    assert "Lanterns and 1 dependencies will be installed." in dialog["formspec"]
    # 5.6's view button hands this address to the web browser: it must lead to our page
    assert viewed["opened_urls"] == [f"{site_url}/packages/mira/lanterns?protocol_version=41"]
    status, html = get(viewed["opened_urls"][0])
    assert status == 200 and b"<h1>Lanterns" in html, html[:2000]

    # both mods, from the released zips, under the package names, with the client's mod.conf keys
    assert sorted(p.name for p in engine.mod_path.iterdir()) == ["lantern_lib", "lanterns"]
    assert_installed(
        run, engine.mod_path / "lanterns", LANTERNS_1, lanterns_conf(releases["lanterns"])
    )
    assert_installed(
        run,
        engine.mod_path / "lantern_lib",
        LIB_FILES,
        {
            "name": "lantern_lib",
            "description": "Light sources for other mods",
            "title": "Lantern Library",
            "author": "mira",
            "release": str(releases["lantern_lib"]),
        },
    )
    return int(menu["protocol"])


def show_the_package_page_in_game(engine, site_url, tmp_path, protocol) -> None:
    """Session 2, a world: the installed mods load, and our page's hypertext is drawn."""
    run = engine.start_game(package="mira/lanterns", protocol=protocol, mods=engine.mods)
    try:
        page = run.wait("page")
        save_screenshot(run, tmp_path, "luanti-package.png")
        run.signal("page_shot")
        run.finish()
    finally:
        run.kill()
    assert {"lanterns", "lantern_lib", "regtest_page"} <= set(page["mods"])
    assert page["info"]["name"] == "lanterns"
    assert page["image_url"].startswith(f"{site_url}/thumbnails/2/screenshots/")
    assert page["image_url"].endswith(".png")  # the newest client's rewrite of a WebP upload
    assert "Light up the night" in page["formspec"] and "hypertext[" in page["formspec"]


def update_from_the_store(engine, releases) -> None:
    """Session 3, the menu: the store offers the new release, and "Update All" installs it."""
    run = engine.start_menu("update")
    try:
        run.wait("menu")
        run.wait("store_opened")
        offered = run.wait("update_offered")
        updated = run.wait("updated")
        run.finish()
    finally:
        run.kill()
    assert r"update_all;Update All \[1\]]" in offered["formspec"], run.explain("no update offered")
    lanterns = engine.mod_path / "lanterns"
    assert_installed(run, lanterns, LANTERNS_2, lanterns_conf(releases["lanterns_2"]))
    assert not (lanterns / "old_recipes.lua").exists()  # the old folder was replaced, not merged
    assert updated["mods"]["lantern_lib"]["conf"]["release"] == str(releases["lantern_lib"])


def lanterns_conf(release: int) -> dict[str, str]:
    """The zip's mod.conf lines, then what the client writes: title, description, author, release."""
    return {
        "name": "lanterns",
        "depends": "lantern_lib",
        "title": "Lanterns",
        "description": "Hanging and paper lanterns that glow at night.",
        "author": "mira",
        "release": str(release),
    }


def check_downloads_counted(server_log, releases, expected: dict[str, tuple[str, tuple]]) -> None:
    """Each download arrived with the engine's agent and reason, and today's PackageDailyStats row
    holds (platform_minetest, reason_new, reason_dependency, reason_update) as `expected`; the
    release counted it once, the package total follows the rows of every day."""
    today = timezone.now().date()
    for key, (reason, counts) in expected.items():
        release = Release.objects.select_related("package").get(pk=releases[key])
        package = release.package
        download = server_log.wait_for_engine(
            f"/packages/mira/{package.name}/releases/{release.pk}/download/", f"reason={reason}"
        )
        assert USER_AGENT.match(download.user_agent), download
        flush_downloads()  # counts are written in batches, off the request path
        release.refresh_from_db()
        assert release.downloads == 1
        stats = PackageDailyStats.objects.get(package=package, date=today)
        columns = ("platform_minetest", "reason_new", "reason_dependency", "reason_update")
        assert tuple(getattr(stats, c) for c in columns) == counts, key
        assert stats.platform_other == 0
        package.refresh_from_db()
        days = PackageDailyStats.objects.filter(package=package)
        assert package.downloads == sum(day.platform_minetest for day in days)


def check_engine_requests(install, game, update, engine, releases) -> None:
    """What the engine asked for, in order, pictures apart (they load in parallel)."""
    for session, requests in (("install", install), ("game", game), ("update", update)):
        for seen in requests:
            query = f"?{seen.query}" if seen.query else ""
            log.info("%s: %s %s%s (%s)", session, seen.method, seen.path, query, seen.user_agent)
            assert seen.method == "GET" and USER_AGENT.match(seen.user_agent), seen

    def calls(session):
        return [(r.path, r.query) for r in session if not r.path.startswith("/thumbnails/")]

    def download(name, release, reason):
        return (f"/packages/mira/{name}/releases/{releases[release]}/download/", f"reason={reason}")

    assert calls(install) == [
        ("/api/packages/", LIST_QUERY),
        ("/api/packages/mira/lanterns/dependencies/", DEPS_QUERY),
        download("lanterns", "lanterns", "new"),
        download("lantern_lib", "lantern_lib", "dependency"),
    ]
    assert calls(game) == [
        (
            "/api/packages/mira/lanterns/for-client/",
            "protocol_version=41&engine_version=5.6.1&formspec_version=6&include_images=false",
        )
    ]
    assert calls(update) == [
        ("/api/packages/", LIST_QUERY),
        download("lanterns", "lanterns_2", "update"),
    ]
    # the store fetches each list picture once and keeps it in the client's cache across sessions
    pictures = [r.path for r in install + update if r.path.startswith("/thumbnails/1/")]
    assert len(pictures) == len(set(pictures)), pictures
    cached = sorted(p.name for p in (engine.cache_path / "cdb").iterdir())
    assert len(cached) == len(pictures), (cached, pictures)
