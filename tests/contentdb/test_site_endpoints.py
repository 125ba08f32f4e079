"""Reads across packages: /api/releases/, /api/updates/, /api/scores/, /api/reviews/,
/api/dependencies/ (paginated), users, collections, reference data, homepage, schema, stats."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import Rank
from packages.models import (
    Collection,
    CollectionItem,
    MetaPackage,
    PackageAlias,
    PackageDailyStats,
    PackageDependency,
    PackageState,
    PackageType,
    Review,
)
from tests.contentdb.conftest import bearer, make_release
from tests.factories import PackageFactory, RockFactory, UserFactory

pytestmark = pytest.mark.django_db


def error(response, status):
    assert response.status_code == status, response.content
    assert response.json()["success"] is False
    return response.json()["error"]


# /api/releases/ ---------------------------------------------------------------------------------


def test_recent_releases_are_approved_ones_of_listed_packages_newest_first(
    client, user, other_user
):
    now = timezone.now()
    mine = PackageFactory(author=user, name="mine")
    theirs = PackageFactory(author=other_user, name="theirs")
    theirs.maintainers.add(user)
    draft = PackageFactory(author=user, name="draft", state=PackageState.WIP)
    r1 = make_release(mine, "1.0", created_at=now - timedelta(days=2))
    r2 = make_release(theirs, "1.0", created_at=now - timedelta(days=1))
    make_release(mine, "2.0", approved=False)
    make_release(draft, "1.0")
    items = client.get("/api/releases/").json()
    assert [i["id"] for i in items] == [r2.pk, r1.pk]
    assert items[0]["package"] == {"name": "theirs", "author": "bob", "type": "mod"}
    assert [i["id"] for i in client.get("/api/releases/?author=alice").json()] == [r1.pk]
    assert [i["id"] for i in client.get("/api/releases/?maintainer=alice").json()] == [r2.pk]
    assert error(client.get("/api/releases/?author=nobody"), 404) == "Author not found"
    assert error(client.get("/api/releases/?maintainer=nobody"), 404) == "Maintainer not found"


def test_recent_releases_are_limited_to_30(client, user):
    package = PackageFactory(author=user)
    for n in range(32):
        make_release(package, f"1.{n}")
    assert len(client.get("/api/releases/").json()) == 30


# /api/updates/ --------------------------------------------------------------------------------


def test_updates_map_keys_and_aliases_to_compatible_release_ids(client, user):
    farming = PackageFactory(author=user, name="farming")
    PackageAlias.objects.create(package=farming, author="olduser", name="farm")
    new = make_release(farming, "2.0", min_version="5.8")
    old = make_release(farming, "1.0", max_version="5.7")
    PackageFactory(author=user, name="bare")
    RockFactory(author=user, name="rocky")
    assert client.get("/api/updates/").json() == {"alice/farming": old.pk, "olduser/farm": old.pk}
    assert new.pk < old.pk
    five_six = client.get("/api/updates/?protocol_version=41&engine_version=5.6.1").json()
    assert five_six == {"alice/farming": old.pk, "olduser/farm": old.pk}
    assert client.get("/api/updates/?engine_version=5.9.0").json() == {
        "alice/farming": new.pk,
        "olduser/farm": new.pk,
    }
    assert error(client.get("/api/updates/?protocol_version=x"), 400)


# /api/scores/ ---------------------------------------------------------------------------------


def test_scores(client, user, other_user):
    package = PackageFactory(
        author=user, name="farming", score=12.5, score_downloads=10, downloads=9
    )
    Review.objects.create(package=package, author=other_user, rating=5, title="yes")
    Review.objects.create(
        package=package, author=UserFactory(username="carol"), rating=3, title="meh"
    )
    assert client.get("/api/scores/").json() == [
        {
            "author": "alice",
            "name": "farming",
            "score": 12.5,
            "score_downloads": 10,
            "score_reviews": 2.5,
            "downloads": 9,
            "reviews": {"positive": 1, "neutral": 1, "negative": 0},
        }
    ]
    assert client.get("/api/scores/?type=game").json() == []


# paginated: /api/reviews/ and /api/dependencies/ ------------------------------------------------


@pytest.fixture
def reviews(user):
    package = PackageFactory(author=user, name="farming")
    now = timezone.now()
    made = []
    for n in range(5):
        made.append(
            Review.objects.create(
                package=package,
                author=UserFactory(username=f"r{n}"),
                rating=5 if n % 2 else 1,
                title=f"Review {n}",
                created_at=now - timedelta(hours=n),
            )
        )
    Review.objects.create(
        package=package, author=UserFactory(username="hidden"), rating=5, title="x", approved=False
    )
    return made


@override_settings(SITE_URL="https://cdb.example")
def test_reviews_envelope_and_pages(client, reviews):
    first = client.get("/api/reviews/?n=2").json()
    assert set(first) == {"page", "per_page", "page_count", "total", "urls", "items"}
    assert (first["page"], first["per_page"], first["page_count"], first["total"]) == (1, 2, 3, 5)
    assert first["urls"] == {
        "previous": None,
        "next": "https://cdb.example/api/reviews/?n=2&page=2",
    }
    assert [i["title"] for i in first["items"]] == ["Review 0", "Review 1"]
    assert first["items"][0]["package"] == {"name": "farming", "author": "alice", "type": "mod"}
    last = client.get("/api/reviews/?n=2&page=3").json()
    assert last["urls"] == {
        "previous": "https://cdb.example/api/reviews/?n=2&page=2",
        "next": None,
    }
    assert [i["title"] for i in last["items"]] == ["Review 4"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=4&n=2", 404),
        ("page=0", 404),
        ("page=-1", 404),
        ("page=abc", 400),
        ("n=abc", 400),
        ("n=0", 400),
        ("page=99999999999999999999", 400),
        ("page=1.5", 400),
    ],
)
def test_pagination_edges_are_json_errors(client, reviews, query, status):
    error(client.get(f"/api/reviews/?{query}"), status)


def test_n_above_the_maximum_is_lowered(client, reviews):
    assert client.get("/api/reviews/?n=5000").json()["per_page"] == 200


def test_empty_first_page_is_fine(client):
    assert client.get("/api/reviews/").json() == {
        "page": 1,
        "per_page": 100,
        "page_count": 0,
        "total": 0,
        "urls": {"previous": None, "next": None},
        "items": [],
    }


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("author=r1", ["Review 1"]),
        ("for_user=alice", ["Review 0", "Review 1", "Review 2", "Review 3", "Review 4"]),
        ("for_user=bob", []),
        ("is_positive=true", ["Review 1", "Review 3"]),
        ("is_positive=false", ["Review 0", "Review 2", "Review 4"]),
        ("rating=1", ["Review 0", "Review 2", "Review 4"]),
        ("q=VIEW 3", ["Review 3"]),
    ],
)
def test_review_filters(client, reviews, query, titles):
    assert [i["title"] for i in client.get(f"/api/reviews/?{query}").json()["items"]] == titles


def test_bulk_dependencies(client, user):
    mod = PackageFactory(author=user, name="wolves", score=2)
    mod.provides.add(MetaPackage.objects.create(name="wolves"))
    base = PackageFactory(author=user, name="base", score=1)
    PackageDependency.objects.create(
        depender=mod, meta_package=MetaPackage.objects.create(name="mobs")
    )
    PackageDependency.objects.create(depender=mod, package=base, is_optional=True)
    page = client.get("/api/dependencies/?n=1").json()
    assert page["total"] == 2
    assert page["items"] == [
        {
            "type": "mod",
            "author": "alice",
            "name": "wolves",
            "provides": ["wolves"],
            "depends": ["mobs"],
            "optional_depends": ["alice/base"],
        }
    ]
    assert client.get("/api/dependencies/?n=1000").json()["per_page"] == 300
    assert client.get("/api/dependencies/?type=game").json()["total"] == 0


# users ------------------------------------------------------------------------------------------


@override_settings(SITE_URL="https://cdb.example")
def test_user(client, user):
    user.display_name = "Alice A."
    user.github_username = "alice-gh"
    user.rank = Rank.TRUSTED_MEMBER
    user.save()
    assert client.get("/api/users/ALICE/").json() == {
        "username": "alice",
        "display_name": "Alice A.",
        "rank": "trusted_member",
        "profile_pic_url": None,
        "website_url": None,
        "donate_url": None,
        "connections": {"github": "alice-gh", "forums": None},
        "links": {
            "api_packages": "https://cdb.example/api/packages/?author=alice",
            "profile": "https://cdb.example/users/alice/",
        },
    }
    assert error(client.get("/api/users/nobody/"), 404) == "User not found"


def test_user_stats(client, user, other_user):
    farming = PackageFactory(author=user, name="farming", title="Farming")
    valley = PackageFactory(author=user, name="valley", title="Valley", type=PackageType.GAME)
    today = timezone.now().date()
    PackageDailyStats.objects.create(
        package=farming, date=today - timedelta(days=2), platform_minetest=2
    )
    PackageDailyStats.objects.create(package=valley, date=today, platform_other=3, reason_new=1)
    data = client.get("/api/users/alice/stats/").json()
    assert data["start"] == data["from"] == (today - timedelta(days=2)).isoformat()
    assert data["end"] == today.isoformat()
    assert data["platform_minetest"] == [2, 0, 0]
    assert data["platform_other"] == [0, 0, 3]
    assert data["package_downloads"] == {"Farming": [2, 0, 0], "Valley": [0, 0, 3]}
    assert client.get("/api/users/bob/stats/").json() is None
    assert error(client.get("/api/users/nobody/stats/"), 404) == "User not found"


def test_all_package_stats_cover_the_last_30_days(client, user):
    farming = PackageFactory(author=user, name="farming")
    hidden = PackageFactory(author=user, name="hidden", state=PackageState.WIP)
    today = timezone.now().date()
    PackageDailyStats.objects.create(
        package=farming, date=today, platform_minetest=2, platform_other=1
    )
    PackageDailyStats.objects.create(
        package=farming, date=today - timedelta(days=40), platform_other=9
    )
    PackageDailyStats.objects.create(package=hidden, date=today, platform_other=9)
    data = client.get("/api/package_stats/").json()
    assert data["start"] == (today - timedelta(days=29)).isoformat()
    assert data["end"] == today.isoformat()
    assert data["package_downloads"] == {"alice/farming": [0] * 29 + [3]}


# collections ------------------------------------------------------------------------------------


@pytest.fixture
def collections(user, other_user):
    farming = PackageFactory(author=user, name="farming")
    draft = PackageFactory(author=user, name="draft", state=PackageState.WIP)
    public = Collection.objects.create(author=other_user, name="faves", title="Favourites")
    CollectionItem.objects.create(collection=public, package=farming, order=2, description="Yum")
    CollectionItem.objects.create(collection=public, package=draft, order=1)
    secret = Collection.objects.create(author=other_user, name="secret", title="A", private=True)
    CollectionItem.objects.create(collection=secret, package=farming)
    return public, secret


def test_collection_list(client, collections):
    items = client.get("/api/collections/").json()
    assert [c["name"] for c in items] == ["faves"]
    assert set(items[0]) == {
        "author", "name", "title", "short_description", "created_at", "private", "package_count"
    }  # fmt: skip
    assert items[0]["package_count"] == 2
    assert [c["name"] for c in client.get("/api/collections/?author=bob").json()] == ["faves"]
    assert client.get("/api/collections/?package=alice/farming").json()[0]["name"] == "faves"
    assert error(client.get("/api/collections/?author=nobody"), 404)
    assert error(client.get("/api/collections/?package=alice/nothing"), 404)


def test_collection_detail_hides_unapproved_packages_and_private_collections(
    client, collections, other_user, user
):
    data = client.get("/api/collections/bob/faves/").json()
    assert set(data) == {
        "author", "name", "title", "short_description", "long_description", "created_at",
        "private", "items",
    }  # fmt: skip
    assert [i["package"]["name"] for i in data["items"]] == ["farming"]
    assert set(data["items"][0]) == {"package", "description", "created_at", "order"}
    # ContentDB shows its author every item; here each item follows its package's own rule, so
    # bob's collection does not show him alice's draft (docs/security.md, takedowns)
    own = client.get("/api/collections/bob/faves/", **bearer(other_user)).json()
    assert [i["package"]["name"] for i in own["items"]] == ["farming"]
    mine = client.get("/api/collections/bob/faves/", **bearer(user)).json()
    assert [i["package"]["name"] for i in mine["items"]] == ["draft", "farming"]
    assert error(client.get("/api/collections/bob/secret/"), 404) == "Collection not found"
    assert error(client.get("/api/collections/bob/secret/", **bearer(user)), 404)
    assert client.get("/api/collections/bob/secret/", **bearer(other_user)).status_code == 200


# reference data --------------------------------------------------------------------------------


def test_reference_lists(client):
    tags = client.get("/api/tags/").json()
    assert set(tags[0]) == {"name", "title", "description", "views"}
    assert [t["name"] for t in tags] == sorted(t["name"] for t in tags)
    warnings = client.get("/api/content_warnings/").json()
    assert set(warnings[0]) == {"name", "title", "description"}
    licenses = client.get("/api/licenses/").json()
    assert {"name": "MIT", "is_foss": True} in licenses
    assert {"name": "CC-BY-NC-4.0", "is_foss": False} in licenses
    languages = client.get("/api/languages/").json()
    assert set(languages[0]) == {"id", "title", "has_contentdb_translation"}
    assert client.get("/api/tags/")["Cache-Control"] == "public, max-age=3600"


def test_luanti_versions(client):
    versions = client.get("/api/minetest_versions/").json()
    assert versions[0] == {"name": "5.0", "protocol_version": 37, "is_dev": False}
    assert versions[-1]["is_dev"] is True
    assert client.get("/api/minetest_versions/?engine_version=5.6.1").json() == {
        "name": "5.6",
        "protocol_version": 41,
        "is_dev": False,
    }
    assert client.get("/api/minetest_versions/?protocol_version=45").json()["name"] == "5.9"
    assert (
        error(client.get("/api/minetest_versions/?protocol_version=1"), 404) == "No releases found"
    )


def test_cdb_schema(client):
    schema = client.get("/api/cdb_schema/").json()
    assert schema["title"] == "CDB Config"
    assert "MIT" in schema["$defs"]["license"]["enum"]
    assert "food" in schema["properties"]["tags"]["items"]["enum"]
    assert schema["properties"]["type"] == {"enum": ["MOD", "GAME", "TXP"]}


def test_homepage(client, user, other_user):
    PackageFactory(author=user, name="farming", downloads=5, score=3)
    PackageFactory(author=user, name="valley", type=PackageType.GAME, downloads=7)
    PackageFactory(author=user, name="draft", state=PackageState.WIP, downloads=100)
    RockFactory(author=user, name="rocky", downloads=1000)
    data = client.get("/api/homepage/").json()
    assert set(data) == {
        "count", "downloads", "new", "updated", "pop_mod", "pop_txp", "pop_game", "high_reviewed"
    }  # fmt: skip
    assert (data["count"], data["downloads"]) == (2, 12)
    assert [p["name"] for p in data["pop_mod"]] == ["farming"]
    assert [p["name"] for p in data["pop_game"]] == ["valley"]
    assert data["pop_txp"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the engine version cut to major.minor names the row, whatever else shares its protocol
        ("engine_version=5.3.0", "5.3"),
        ("engine_version=5.6", "5.6"),
        ("engine_version=5.15.0-dev", "5.15-dev"),
        ("engine_version=5.15-dev", "5.15-dev"),
        ("engine_version=5.3.0&protocol_version=39", "5.3"),
        # a protocol that disagrees with the engine's row: the highest protocol not above it
        ("engine_version=5.3.0&protocol_version=40", "5.5"),
        # protocol alone: the newest row of the highest protocol not above it (5.2-5.4 share 39)
        ("protocol_version=39", "5.4"),
        ("protocol_version=37", "5.0"),
        ("protocol_version=45", "5.9"),
        ("protocol_version=9999", "5.15-dev"),
        ("engine_version=4.0.17&protocol_version=38", "5.1"),
    ],
)
def test_luanti_version_look_up(client, query, expected):
    assert client.get(f"/api/minetest_versions/?{query}").json()["name"] == expected


@pytest.mark.parametrize(
    "query", ["engine_version=5", "engine_version=4.0.17", "protocol_version=36"]
)
def test_luanti_version_look_up_finds_nothing(client, query):
    assert error(client.get(f"/api/minetest_versions/?{query}"), 404) == "No releases found"
