"""Per-package reads: detail, for-client, dependencies, releases, screenshots, reviews, stats."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from accounts.models import Rank
from packages.models import (
    GameSupport,
    MetaPackage,
    PackageAlias,
    PackageDailyStats,
    PackageDependency,
    PackageState,
    PackageType,
    Review,
    Tag,
)
from tests.contentdb.conftest import bearer, make_release, make_screenshot
from tests.factories import PackageFactory, ReleaseFactory, RockFactory, UserFactory

pytestmark = pytest.mark.django_db

# every key of the PUT endpoint plus forum_url, and the read-only keys ContentDB's detail has
PUT_KEYS = {
    "type", "title", "name", "short_description", "dev_state", "tags", "content_warnings",
    "license", "media_license", "long_description", "repo", "website", "issue_tracker", "forums",
    "video_url", "donate_url", "translation_url", "game_support",
}  # fmt: skip
DETAIL_KEYS = PUT_KEYS | {
    "forum_url", "author", "maintainers", "state", "ai_disclosure", "created_at", "approved_at",
    "video_thumbnail_url", "provides", "thumbnail", "screenshots", "url", "release", "score",
    "downloads", "supports_all_games",
}  # fmt: skip
RELEASE_KEYS = {
    "id", "name", "title", "release_notes", "url", "release_date", "commit", "downloads",
    "min_minetest_version", "max_minetest_version", "size",
}  # fmt: skip
SCREENSHOT_KEYS = {
    "id", "order", "title", "url", "width", "height", "approved", "created_at", "is_cover_image"
}  # fmt: skip


def error(response, status):
    assert response.status_code == status, response.content
    assert response.json()["success"] is False
    return response.json()["error"]


@pytest.fixture
def farming(user):
    package = PackageFactory(
        author=user,
        name="farming",
        title="Farming",
        long_description="# Farming\n\nGrow 2 < 3 things & eat them.",
        forums=1234,
        video_url="https://youtu.be/abcDEF_123",
        repo="https://git.example/farming",
    )
    package.maintainers.add(user)
    package.tags.set(Tag.objects.filter(name__in=["survival", "food"]))
    package.provides.add(MetaPackage.objects.create(name="farming"))
    return package


@override_settings(SITE_URL="https://cdb.example")
def test_detail_has_every_documented_key(client, farming, user):
    release = make_release(farming)
    shot = make_screenshot(farming, "field")
    data = client.get("/api/packages/alice/farming/").json()
    assert set(data) == DETAIL_KEYS
    assert data["author"] == "alice"
    assert data["maintainers"] == ["alice"]
    assert data["state"] == "APPROVED"
    assert data["type"] == "mod"
    assert data["tags"] == ["food", "survival"]
    assert data["provides"] == ["farming"]
    assert data["license"] == "MIT"
    assert data["media_license"] == "CC-BY-SA-4.0"
    assert data["forums"] == 1234
    assert data["forum_url"] == "https://forum.luanti.org/viewtopic.php?t=1234"
    assert data["video_thumbnail_url"] == "https://cdb.example/thumbnails/youtube/abcDEF_123.jpg"
    assert data["url"] == "https://cdb.example/packages/alice/farming/download/"
    assert data["release"] == release.pk
    assert data["screenshots"] == [f"https://cdb.example/uploads/{shot.file.name}"]
    assert data["thumbnail"] == f"https://cdb.example/thumbnails/1/{shot.file.name}"
    assert data["long_description"] == "# Farming\n\nGrow 2 < 3 things & eat them."
    assert data["created_at"].count("T") == 1 and "+" not in data["created_at"]


def test_detail_lists_game_support_with_short_dicts(client, farming, user):
    game = PackageFactory(author=user, name="valley", type=PackageType.GAME)
    GameSupport.objects.create(package=farming, game=game, supports=True, confidence=10)
    [support] = client.get("/api/packages/alice/farming/").json()["game_support"]
    assert support["supports"] is True
    assert support["confidence"] == 10
    assert support["game"]["name"] == "valley"
    assert support["game"]["type"] == "game"


def test_donate_url_falls_back_to_the_author_profile(client, farming, user):
    user.donate_url = "https://pay.example/alice"
    user.save()
    assert client.get("/api/packages/alice/farming/").json()["donate_url"] == user.donate_url


def test_unknown_package_and_rocks_are_404(client, user):
    RockFactory(author=user, name="rocky")
    assert error(client.get("/api/packages/alice/nothing/"), 404) == "Package not found"
    assert error(client.get("/api/packages/alice/rocky/"), 404) == "Package not found"
    assert error(client.get("/api/packages/nobody/farming/releases/"), 404) == "Package not found"


@pytest.mark.parametrize("state", ["WIP", "CHANGES_NEEDED", "READY_FOR_REVIEW"])
def test_unapproved_package_is_seen_only_by_its_people_and_moderators(
    client, user, other_user, moderator, state
):
    PackageFactory(author=user, name="draft", state=state)
    url = "/api/packages/alice/draft/"
    assert client.get(url).status_code == 404
    assert client.get(url, **bearer(other_user)).status_code == 404
    assert client.get(url, **bearer(user)).json()["state"] == state
    assert client.get(url, **bearer(moderator)).status_code == 200
    approver = UserFactory(username="approver", rank=Rank.APPROVER)
    assert client.get(url, **bearer(approver)).status_code == 200
    assert client.get("/api/packages/").json() == []


def test_deleted_package_is_404_even_for_its_owner(client, user):
    PackageFactory(author=user, name="gone", state=PackageState.DELETED)
    assert client.get("/api/packages/alice/gone/", **bearer(user)).status_code == 404


def test_old_name_redirects_to_the_current_one(client, farming):
    PackageAlias.objects.create(package=farming, author="alice", name="farming_old")
    response = client.get("/api/packages/alice/farming_old/releases/")
    assert response.status_code == 302
    assert response["Location"] == "/api/packages/alice/farming/releases/"


def test_lookup_is_case_insensitive(client, farming):
    assert client.get("/api/packages/ALICE/Farming/").json()["name"] == "farming"


# for-client -------------------------------------------------------------------------------------


def test_for_client_has_what_the_client_reads(client, farming, other_user):
    release = make_release(farming)
    make_screenshot(farming, "field")
    make_screenshot(farming, "pending", approved=False)
    Review.objects.create(package=farming, author=other_user, rating=5, title="Nice")
    url = "/api/packages/alice/farming/for-client/?formspec_version=6&include_images=false"
    data = client.get(url).json()
    assert data["name"] == "farming"
    assert data["author"] == "alice"
    assert data["release"] == release.pk
    assert isinstance(data["downloads"], int)
    assert data["reviews"] == {"positive": 1, "neutral": 0, "negative": 0}
    assert data["download_size"].endswith(" KB")
    assert [s["title"] for s in data["screenshots"]] == ["field"]
    assert set(data["screenshots"][0]) == {"title", "url"}
    for key in ("long_description", "info_hypertext"):
        assert set(data[key]) >= {"head", "body", "links"}
        assert isinstance(data[key]["links"], dict)
    # the Markdown is converted to hypertext, with the markup escaped
    assert "<big>Farming</big>" in data["long_description"]["body"]
    assert "Grow 2 \\< 3 things & eat them." in data["long_description"]["body"]
    assert "MIT" in data["info_hypertext"]["body"]
    for key in ("donate_url", "website", "repo", "issue_tracker", "translation_url", "forum_url"):
        assert key in data


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "formspec_version is required"), ("formspec_version=six", None)],
)
def test_for_client_needs_an_integer_formspec_version(client, farming, query, message):
    text = error(client.get(f"/api/packages/alice/farming/for-client/?{query}"), 400)
    if message:
        assert text == message


def test_for_client_without_release_has_null_size(client, farming):
    data = client.get("/api/packages/alice/farming/for-client/?formspec_version=6").json()
    assert data["release"] is None
    assert data["download_size"] is None


# dependencies -----------------------------------------------------------------------------------


def test_dependencies_resolve_mod_names_and_follow_hard_ones(client, user, other_user):
    api = PackageFactory(author=other_user, name="mobs_api", score=5)
    api.provides.add(MetaPackage.objects.create(name="mobs_api"))
    alt = PackageFactory(author=user, name="mobs_fork", score=1)
    alt.provides.add(MetaPackage.objects.get(name="mobs_api"))
    lib = PackageFactory(author=other_user, name="lib")
    lib.provides.add(MetaPackage.objects.create(name="lib"))
    PackageDependency.objects.create(depender=api, meta_package=MetaPackage.objects.get(name="lib"))
    wolves = PackageFactory(author=user, name="wolves")
    PackageDependency.objects.create(
        depender=wolves, meta_package=MetaPackage.objects.get(name="mobs_api")
    )
    PackageDependency.objects.create(
        depender=wolves, meta_package=MetaPackage.objects.create(name="nowhere"), is_optional=True
    )
    graph = client.get("/api/packages/alice/wolves/dependencies/").json()
    assert graph == {
        "alice/wolves": [
            {
                "name": "mobs_api",
                "is_optional": False,
                "packages": ["bob/mobs_api", "alice/mobs_fork"],
            },
            {"name": "nowhere", "is_optional": True, "packages": []},
        ],
        "bob/mobs_api": [{"name": "lib", "is_optional": False, "packages": ["bob/lib"]}],
    }
    hard = client.get("/api/packages/alice/wolves/dependencies/?only_hard=0").json()
    assert [d["name"] for d in hard["alice/wolves"]] == ["mobs_api"]


def test_package_without_dependencies_still_has_its_key(client, farming):
    assert client.get("/api/packages/alice/farming/dependencies/").json() == {"alice/farming": []}


def test_games_have_no_dependencies(client, user):
    game = PackageFactory(author=user, name="valley", type=PackageType.GAME)
    PackageDependency.objects.create(
        depender=game, meta_package=MetaPackage.objects.create(name="x")
    )
    assert client.get("/api/packages/alice/valley/dependencies/").json() == {"alice/valley": []}


def test_direct_package_dependencies_are_followed(client, user, other_user):
    base = PackageFactory(author=other_user, name="base")
    hidden = PackageFactory(author=other_user, name="hidden", state=PackageState.WIP)
    top = PackageFactory(author=user, name="top")
    PackageDependency.objects.create(depender=top, package=base)
    PackageDependency.objects.create(depender=top, package=hidden, is_optional=True)
    graph = client.get("/api/packages/alice/top/dependencies/").json()
    assert graph["alice/top"][0] == {"name": "base", "is_optional": False, "packages": ["bob/base"]}
    assert graph["bob/base"] == []
    assert "bob/hidden" not in graph


# releases -----------------------------------------------------------------------------------


@override_settings(SITE_URL="https://cdb.example")
def test_release_list_and_read(client, farming, user):
    old = make_release(farming, "1.0.0", max_version="5.4", commit="a" * 40)
    new = make_release(farming, "1.1.0", min_version="5.6")
    pending = make_release(farming, "2.0.0", approved=False)
    items = client.get("/api/packages/alice/farming/releases/").json()
    assert [i["id"] for i in items] == [new.pk, old.pk]
    assert set(items[0]) == RELEASE_KEYS
    assert (
        items[0]["url"] == f"https://cdb.example/packages/alice/farming/releases/{new.pk}/download/"
    )
    assert items[0]["min_minetest_version"] == {
        "name": "5.6",
        "protocol_version": 41,
        "is_dev": False,
    }
    assert items[0]["max_minetest_version"] is None
    assert items[1]["commit"] == "a" * 40
    assert items[0]["size"] == new.files.get(kind="zip").size > 0
    # a release whose zip is not stored yet (an import still running): size 0, for its owner only
    unpacked = ReleaseFactory(package=farming, name="3.0.0", approved=False)
    mine = client.get("/api/packages/alice/farming/releases/", **bearer(user)).json()
    sizes = {i["id"]: i["size"] for i in mine}
    assert (pending.pk in sizes, sizes[unpacked.pk]) == (True, 0)
    one = client.get(f"/api/packages/alice/farming/releases/{old.pk}/").json()
    assert (one["name"], one["size"]) == ("1.0.0", old.files.get(kind="zip").size)
    assert error(client.get(f"/api/packages/alice/farming/releases/{pending.pk}/"), 404) == (
        "Release not found"
    )


def test_release_of_another_package_is_404(client, farming, user):
    other = make_release(PackageFactory(author=user, name="other"))
    assert client.get(f"/api/packages/alice/farming/releases/{other.pk}/").status_code == 404
    assert client.get("/api/packages/alice/farming/releases/99999999999999/").status_code == 404


# screenshots -------------------------------------------------------------------------------------


def test_screenshots_list_and_read(client, farming, user):
    second = make_screenshot(farming, "second", order=2, cover=True)
    first = make_screenshot(farming, "first", order=1)
    pending = make_screenshot(farming, "pending", order=3, approved=False)
    items = client.get("/api/packages/alice/farming/screenshots/").json()
    assert [i["id"] for i in items] == [first.pk, second.pk]
    assert set(items[0]) == SCREENSHOT_KEYS
    assert items[1]["is_cover_image"] is True
    own = client.get("/api/packages/alice/farming/screenshots/", **bearer(user)).json()
    assert [i["id"] for i in own] == [first.pk, second.pk, pending.pk]
    one = client.get(f"/api/packages/alice/farming/screenshots/{first.pk}/").json()
    assert one["title"] == "first"
    assert client.get(f"/api/packages/alice/farming/screenshots/{pending.pk}/").status_code == 404
    assert error(client.get("/api/packages/alice/farming/screenshots/0/"), 404) == (
        "Screenshot not found"
    )


# reviews ------------------------------------------------------------------------------------


def test_package_reviews_are_approved_ones_most_helpful_first(client, farming):
    fans = [UserFactory(username=f"fan{n}", display_name=f"Fan {n}") for n in range(3)]
    Review.objects.create(package=farming, author=fans[0], rating=5, title="a", helpful=1)
    Review.objects.create(package=farming, author=fans[1], rating=1, title="b", helpful=5)
    Review.objects.create(package=farming, author=fans[2], rating=3, title="c", approved=False)
    items = client.get("/api/packages/alice/farming/reviews/").json()
    assert [i["title"] for i in items] == ["b", "a"]
    assert set(items[0]) == {
        "is_positive", "rating", "user", "created_at", "votes", "title", "comment", "thread"
    }  # fmt: skip
    assert items[0]["thread"] is None  # a row made without the service; write_review opens one
    assert items[0]["user"] == {"username": "fan1", "display_name": "Fan 1"}
    assert items[0]["votes"] == {"helpful": 5, "unhelpful": 0}
    assert items[0]["is_positive"] is False


# stats --------------------------------------------------------------------------------------


def test_package_stats_are_zero_filled_between_first_and_last_day_with_data(client, farming):
    PackageDailyStats.objects.create(
        package=farming, date=date(2024, 3, 28), platform_minetest=3, reason_new=2
    )
    PackageDailyStats.objects.create(
        package=farming, date=date(2024, 3, 31), platform_other=5, reason_update=1
    )
    data = client.get("/api/packages/alice/farming/stats/").json()
    assert data == {
        "start": "2024-03-28",
        "end": "2024-03-31",
        "platform_minetest": [3, 0, 0, 0],
        "platform_other": [0, 0, 0, 5],
        "reason_new": [2, 0, 0, 0],
        "reason_dependency": [0, 0, 0, 0],
        "reason_update": [0, 0, 0, 1],
        "views_luanti": [0, 0, 0, 0],
    }
    ranged = client.get("/api/packages/alice/farming/stats/?start=2024-03-29&end=2024-04-30").json()
    assert (ranged["start"], ranged["platform_other"]) == ("2024-03-31", [5])


def test_package_stats_null_without_data_and_400_for_bad_dates(client, farming):
    response = client.get("/api/packages/alice/farming/stats/")
    assert response.status_code == 200
    assert response.json() is None
    assert error(client.get("/api/packages/alice/farming/stats/?start=yesterday"), 400)
    assert date.today() - timedelta(days=1)
