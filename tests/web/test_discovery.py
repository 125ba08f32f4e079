"""Dependencies, "used by" and games on the package pages; game support kept from releases
(packages.games, called by releases.zip_releases); the home page's game hub."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Rank
from packages.games import BY_AUTHOR, DETECTED, FROM_CONF, set_game_support
from packages.models import (
    GameSupport,
    MetaPackage,
    PackageDependency,
    PackageState,
    PackageType,
)
from releases.management.commands.seed_demo import release_zip
from releases.models import RockDependency
from releases.zip_releases import create_zip_release
from tests.factories import PackageFactory, ReleaseFactory, RockFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section(body: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has `heading_id`."""
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


# dependencies ---------------------------------------------------------------------------------


def test_a_dependency_with_one_provider_links_to_it(client, demo):
    deps = section(page(client, "/packages/rubens/wolves/"), "dependencies-heading")
    assert re.search(r'href="/packages/rubens/mobs_core/"[^>]*><code>mobs_core</code>', deps)
    # the optional one is linked and marked
    assert re.search(r"farming_plus</code></a>\s*<span[^>]*>optional</span>", deps)


def test_a_dependency_nobody_provides_is_shown_missing(client, demo):
    deps = section(page(client, "/packages/sofia/farming_plus/"), "dependencies-heading")
    assert "<code>default</code>" in deps and ">missing</span>" in deps


def test_a_dependency_several_packages_provide_gets_a_chooser(client, user, other_user):
    meta = MetaPackage.objects.create(name="mobs")
    for author, score in ((user, 5), (other_user, 9)):
        provider = PackageFactory(
            author=author, name="mobs", title=f"Mobs of {author}", score=score
        )
        provider.provides.add(meta)
    mod = PackageFactory(author=user, name="zoo", title="Zoo")
    PackageDependency.objects.create(depender=mod, meta_package=meta)
    deps = section(page(client, "/packages/alice/zoo/"), "dependencies-heading")
    assert "<details" in deps and "2 packages provide it" in deps
    # best score first
    assert deps.index("/packages/bob/mobs/") < deps.index("/packages/alice/mobs/")


def test_used_by_lists_the_dependents(client, demo):
    used = section(page(client, "/packages/rubens/mobs_core/"), "used-by-heading")
    assert 'href="/packages/rubens/wolves/"' in used
    used = section(page(client, "/packages/kaito/signs_lib/"), "used-by-heading")
    assert 'href="/packages/lunar/lantern_posts/"' in used
    assert 'id="used-by-heading"' not in page(client, "/packages/rubens/wolves/")


def _mod_with_dependencies(user, count: int):
    mod = PackageFactory(author=user, name=f"big_{count}", title="Big")
    for n in range(count):
        meta = MetaPackage.objects.create(name=f"dep_{count}_{n}")
        provider = PackageFactory(author=user, name=f"dep_{count}_{n}")
        provider.provides.add(meta)
        if n % 2:  # a second provider: a chooser
            PackageFactory(name=f"dep_{count}_{n}").provides.add(meta)
        PackageDependency.objects.create(depender=mod, meta_package=meta, is_optional=n % 3 == 0)
        PackageDependency.objects.create(depender=provider, meta_package=meta)  # used by
    return mod


def test_package_page_queries_do_not_grow_with_dependencies(client, user):
    small, big = _mod_with_dependencies(user, 1), _mod_with_dependencies(user, 20)
    counts = []
    for mod in (small, big):
        with CaptureQueriesContext(connection) as queries:
            body = page(client, f"/packages/alice/{mod.name}/")
        counts.append(len(queries))
    assert body.count("<li>") >= 20
    assert counts[0] == counts[1], counts
    assert (
        counts[1] <= 17
    )  # dependencies 2, used by 1, games 1, collections 1, threads 1; the rest: the page


def test_a_rock_links_each_dependency_to_its_module_page(client, user, other_user):
    RockFactory(author=other_user, name="lpeg", title="lpeg")
    app = RockFactory(author=user, name="app", title="app")
    release = ReleaseFactory(package=app, name="1.0-1")
    RockDependency.objects.create(release=release, name="lua", constraint=">= 5.1")
    RockDependency.objects.create(release=release, name="lpeg", constraint="~> 1.0")
    RockDependency.objects.create(release=release, name="absent", constraint="")
    deps = section(page(client, "/modules/alice/app"), "dependencies-heading")
    assert re.search(
        r'href="/modules/bob/lpeg"><code>lpeg</code></a> <code[^>]*>~&gt; 1.0</code>', deps
    )
    assert "<li><code>lua</code> <code" in deps  # Lua itself: no page, no "missing"
    assert "<code>absent</code>" in deps and "not here" in deps
    used = section(page(client, "/modules/bob/lpeg"), "used-by-heading")
    assert 'href="/modules/alice/app"' in used


def test_used_by_lists_up_to_fifty_public_rocks_whose_newest_version_depends(client, user):
    RockFactory(author=user, name="core", title="core")
    old, new = timezone.now() - timedelta(days=1), timezone.now()

    def depender(name: str, *, score: int = 0, versions=((new, True),), **extra):
        rock = RockFactory(author=user, name=name, title=name, score=score, **extra)
        for n, (created, depends) in enumerate(versions):
            release = ReleaseFactory(package=rock, name=f"{n + 1}.0-1", created_at=created)
            if depends:
                RockDependency.objects.create(release=release, name="Core", constraint=">= 1")
        return rock

    depender("came-back", score=100, versions=((old, False), (new, True)))
    for n in range(48):
        depender(f"user-{n:02}", score=n + 10)
    depender("tie-b", score=1)
    depender("tie-a", score=1)  # ties with tie-b on score: by name, the 50th
    depender("moved-on", score=500, versions=((old, True), (new, False)))
    depender("draft", score=500, state=PackageState.WIP, approved_at=None)
    used = section(page(client, "/modules/alice/core"), "used-by-heading")
    shown = re.findall(r'href="/modules/alice/([^"]+)"', used)
    assert shown == ["came-back"] + [f"user-{n:02}" for n in range(47, -1, -1)] + ["tie-a"]
    assert len(shown) == 50


def test_rock_page_queries_do_not_grow_with_dependencies(client, user):
    counts = []
    for size in (1, 20):
        app = RockFactory(author=user, name=f"app{size}")
        release = ReleaseFactory(package=app, name="1.0-1")
        for n in range(size):
            RockFactory(author=user, name=f"lib{size}-{n}")
            RockDependency.objects.create(release=release, name=f"lib{size}-{n}", constraint=">= 1")
        with CaptureQueriesContext(connection) as queries:
            page(client, f"/modules/alice/app{size}")
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# games ----------------------------------------------------------------------------------------


def test_a_mod_page_shows_its_games(client, demo):
    games = section(page(client, "/packages/rubens/wolves/"), "games-heading")
    assert 'href="/packages/sofia/voxel_valley/">Voxel Valley</a>' in games
    games = section(page(client, "/packages/lunar/lantern_posts/"), "games-heading")
    assert "Voxel Valley" in games and "detected" in games


def test_a_game_page_lists_mods_for_it_with_the_count(client, demo):
    mods = section(page(client, "/packages/sofia/voxel_valley/"), "game-mods-heading")
    for key in ("rubens/wolves", "sofia/farming_plus", "rubens/mobs_core", "lunar/lantern_posts"):
        assert f'href="/packages/{key}/"' in mods
    assert "4 packages support this game" in mods
    assert "?game=sofia/voxel_valley" in mods


def test_game_page_queries_do_not_grow_with_mods(client, user):
    game = PackageFactory(author=user, name="g", type=PackageType.GAME)
    counts = []
    for total in (1, 20):
        for n in range(total):
            mod = PackageFactory(author=user, name=f"m{total}_{n}")
            GameSupport.objects.create(package=mod, game=game, confidence=FROM_CONF)
        with CaptureQueriesContext(connection) as queries:
            page(client, "/packages/alice/g/")
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_home_page_has_a_game_hub(client, demo):
    hub = section(page(client, "/"), "games-heading")
    assert 'href="/packages/?game=sofia/voxel_valley">Voxel Valley</a>' in hub
    assert "4 packages" in hub


def _release(package, conf: list[str], name: str):
    return create_zip_release(
        package=package,
        by=package.author,
        name=name,
        title=name,
        release_notes="",
        file=release_zip(package.type, package.name, package.title, conf),
    )


@pytest.fixture
def trusted(db):
    return UserFactory(username="tess", rank=Rank.TRUSTED_MEMBER)


def _games(package) -> dict[str, tuple[bool, int]]:
    return {
        row.game.name: (row.supports, row.confidence)
        for row in GameSupport.objects.filter(package=package).select_related("game")
    }


def test_game_support_follows_releases_and_dependencies(trusted):
    valley = PackageFactory(author=trusted, name="valley", type=PackageType.GAME)
    _release(valley, [], "1")  # provides valley_core
    PackageFactory(author=trusted, name="other", type=PackageType.GAME)
    lib = PackageFactory(author=trusted, name="lib", title="Lib")
    _release(lib, ["supported_games = valley, other", "unsupported_games = nowhere"], "1")
    assert _games(lib) == {"valley": (True, FROM_CONF), "other": (True, FROM_CONF)}
    user_mod = PackageFactory(author=trusted, name="user_mod")
    _release(user_mod, ["depends = lib"], "1")
    assert _games(user_mod) == {"valley": (True, DETECTED), "other": (True, DETECTED)}
    core_mod = PackageFactory(author=trusted, name="core_mod")
    _release(core_mod, ["depends = valley_core"], "1")
    assert _games(core_mod) == {"valley": (True, DETECTED)}
    # lib's new release drops `other`: what depends on lib is recomputed with it
    _release(lib, ["supported_games = valley"], "2")
    assert _games(lib) == {"valley": (True, FROM_CONF)}
    assert _games(user_mod) == {"valley": (True, DETECTED)}
    # the mod's own word wins over detection; a new release dropping a dependency recomputes
    _release(user_mod, ["depends = lib", "unsupported_games = valley"], "2")
    assert _games(user_mod) == {"valley": (False, FROM_CONF)}
    _release(core_mod, ["supported_games = *"], "2")
    core_mod.refresh_from_db()
    assert core_mod.supports_all_games and _games(core_mod) == {}


def test_the_author_word_outranks_the_conf(trusted, other_user):
    valley = PackageFactory(author=trusted, name="valley", type=PackageType.GAME)
    mod = PackageFactory(author=trusted, name="m")
    set_game_support(package=mod, by=trusted, games={valley.pk: False})
    _release(mod, ["supported_games = valley"], "1")
    assert _games(mod) == {"valley": (False, BY_AUTHOR)}
    from packages.errors import NotAllowed

    with pytest.raises(NotAllowed):
        set_game_support(package=mod, by=other_user, games={valley.pk: True})


def test_the_author_sets_game_support_on_the_web(client, user, other_user):
    game = PackageFactory(author=other_user, name="valley", title="Valley", type=PackageType.GAME)
    other = PackageFactory(author=other_user, name="hills", title="Hills", type=PackageType.GAME)
    PackageFactory(author=user, name="mod", title="Mod")
    client.force_login(user)
    assert "Set the games it supports" in page(client, "/packages/alice/mod/")
    form = page(client, "/packages/alice/mod/games/")
    assert f'name="game-{game.pk}"' in form and f'name="game-{other.pk}"' in form
    response = client.post(
        "/packages/alice/mod/games/", {f"game-{game.pk}": "yes", f"game-{other.pk}": "no"}
    )
    assert response.status_code == 302
    assert _games(PackageFactory._meta.model.objects.get(name="mod")) == {
        "valley": (True, BY_AUTHOR),
        "hills": (False, BY_AUTHOR),
    }
    games = section(page(client, "/packages/alice/mod/"), "games-heading")
    assert 'href="/packages/bob/valley/">Valley</a>' in games and "<s>Hills</s>" in games
    client.force_login(other_user)
    assert client.get("/packages/alice/mod/games/").status_code == 403
    assert client.post("/packages/alice/mod/games/", {f"game-{game.pk}": "no"}).status_code == 403


def test_deleting_a_provider_recomputes_what_depends_on_it(trusted, moderator):
    from packages.workflow import delete_package, restore_package

    valley = PackageFactory(author=trusted, name="valley", type=PackageType.GAME)
    _release(valley, [], "1")  # provides valley_core
    mod = PackageFactory(author=trusted, name="core_mod")
    _release(mod, ["depends = valley_core"], "1")
    assert _games(mod) == {"valley": (True, DETECTED)}
    delete_package(by=moderator, package=valley)
    assert _games(mod) == {}
    restore_package(by=moderator, package=valley)  # back to the queue: still not a provider
    assert _games(mod) == {}
