"""Takedown leftovers: the parts of a deleted or unapproved package (screenshots, thumbnails,
game support, dependencies, collections, user pages) follow the package's own visibility rule,
for every viewer (issue 25 item 7)."""

import pytest

from accounts.models import Rank
from packages.models import (
    Collection,
    CollectionItem,
    GameSupport,
    Package,
    PackageDependency,
    PackageState,
    PackageType,
    Screenshot,
)
from packages.screenshots import add_screenshot
from packages.workflow import delete_package
from tests.access.conftest import png
from tests.factories import PackageFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def moderator(make_user):
    return make_user("modo", Rank.MODERATOR)


@pytest.fixture
def game(owner):
    game = PackageFactory(author=owner, name="voxelgame", title="Voxel Game", type=PackageType.GAME)
    ReleaseFactory(package=game, name="1.0", title="1.0")
    return game


@pytest.fixture
def mod(make_user, game):
    mod = PackageFactory(author=make_user("modder"), name="farming", title="Farming")
    ReleaseFactory(package=mod, name="1.0", title="1.0")
    GameSupport.objects.create(package=mod, game=game, supports=True, confidence=8)
    return mod


def game_keys(answer: dict) -> list[str]:
    return [f"{g['game']['author']}/{g['game']['name']}" for g in answer["game_support"]]


def test_a_deleted_game_leaves_other_packages_game_support(client, moderator, game, mod, on_commit):
    assert game_keys(client.get("/api/packages/modder/farming/").json()) == ["owner/voxelgame"]
    with on_commit():  # the takedown bumps the cached lists' generation when it commits
        delete_package(by=moderator, package=game, reason="takedown")
    assert game_keys(client.get("/api/packages/modder/farming/").json()) == []
    answer = client.get("/api/packages/modder/farming/for-client/?formspec_version=7").json()
    assert game_keys(answer) == []


def test_an_unapproved_game_is_not_shown_to_the_public(client, game, mod):
    Package.objects.filter(pk=game.pk).update(state=PackageState.WIP)
    assert game_keys(client.get("/api/packages/modder/farming/").json()) == []


@pytest.fixture
def shot(owner):
    package = PackageFactory(author=owner, name="painted", title="Painted")
    shot = add_screenshot(package=package, by=owner, title="Look", file=png())
    Screenshot.objects.filter(pk=shot.pk).update(approved=True)  # as an approver did
    shot.refresh_from_db()
    return shot


def image_urls(shot: Screenshot) -> list[str]:
    stem = shot.file.name.removeprefix("screenshots/").rsplit(".", 1)[0]
    return [f"/uploads/{shot.file.name}", f"/thumbnails/2/screenshots/{stem}.png"]


def test_a_deleted_packages_screenshots_and_thumbnails_are_gone(
    client, web, owner, moderator, shot
):
    for url in image_urls(shot):
        assert client.get(url).status_code == 200
    delete_package(by=moderator, package=shot.package, reason="takedown")
    for url in image_urls(shot):
        assert client.get(url).status_code == 404
        assert web(owner).get(url).status_code == 404
        seen = web(moderator).get(url)
        assert seen.status_code == 200
        assert seen["Cache-Control"] == "private, no-store"


def test_an_unapproved_packages_screenshots_are_for_its_people_only(client, web, owner, shot):
    Package.objects.filter(pk=shot.package_id).update(state=PackageState.WIP)
    for url in image_urls(shot):
        assert client.get(url).status_code == 404
        mine = web(owner).get(url)
        assert mine.status_code == 200
        assert mine["Cache-Control"] == "private, no-store"


def test_an_unapproved_screenshot_of_a_public_package_is_for_its_people_only(
    client, web, owner, shot
):
    Screenshot.objects.filter(pk=shot.pk).update(approved=False)
    for url in image_urls(shot):
        assert client.get(url).status_code == 404
        assert web(owner).get(url).status_code == 200


def test_a_dependency_on_a_deleted_package_resolves_to_nothing(client, moderator, game, mod):
    other = PackageFactory(author=game.author, name="lib", title="Lib")
    PackageDependency.objects.create(depender=mod, package=other)
    graph = client.get("/api/packages/modder/farming/dependencies/").json()
    assert graph["modder/farming"] == [
        {"name": "lib", "is_optional": False, "packages": ["owner/lib"]}
    ]
    delete_package(by=moderator, package=other)
    graph = client.get("/api/packages/modder/farming/dependencies/").json()
    assert graph["modder/farming"] == [{"name": "lib", "is_optional": False, "packages": []}]
    page = client.get("/packages/modder/farming/").content.decode()
    assert "/packages/owner/lib/" not in page


def test_a_collection_never_lists_a_deleted_package_even_to_its_author(
    client, bearer, owner, moderator, game
):
    collection = Collection.objects.create(author=owner, name="mine", title="Mine", private=True)
    CollectionItem.objects.create(collection=collection, package=game)
    url = "/api/collections/owner/mine/"
    assert [i["package"]["name"] for i in client.get(url, **bearer(owner)).json()["items"]] == [
        "voxelgame"
    ]
    delete_package(by=moderator, package=game)
    assert client.get(url, **bearer(owner)).json()["items"] == []
