"""`GET /api/packages/`: the short dict, every Package Query parameter, visibility, caching."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from packages.invalidation import invalidate_luanti_lists
from packages.models import (
    AIDisclosure,
    ContentWarning,
    DevState,
    GameSupport,
    Language,
    License,
    PackageAlias,
    PackageState,
    PackageType,
    Tag,
)
from tests.contentdb.conftest import make_release, make_screenshot
from tests.factories import PackageFactory, RockFactory, UserFactory

pytestmark = pytest.mark.django_db

SHORT_KEYS = {"name", "title", "author", "short_description", "type", "release", "thumbnail"}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()]


def error(response, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    return body["error"]


@pytest.fixture
def alice(user):
    return user


def test_empty_site_is_an_empty_array(client):
    response = client.get("/api/packages/")
    assert response.status_code == 200
    assert response.json() == []


@override_settings(SITE_URL="https://cdb.example")
def test_short_dict_has_exactly_the_client_keys(client, alice):
    package = PackageFactory(author=alice, name="farming", title="Farming", type=PackageType.MOD)
    release = make_release(package)
    make_screenshot(package, "second", order=2, cover=True)
    first = make_screenshot(package, "first", order=1)
    [item] = client.get("/api/packages/").json()
    assert set(item) == SHORT_KEYS
    assert item == {
        "name": "farming",
        "title": "Farming",
        "author": "alice",
        "short_description": "A package made by a test.",
        "type": "mod",
        "release": release.pk,
        "thumbnail": f"https://cdb.example/thumbnails/1/{first.file.name}",
    }


def test_only_approved_luanti_packages_are_listed(client, alice):
    PackageFactory(author=alice, name="shown")
    for state in ["WIP", "CHANGES_NEEDED", "READY_FOR_REVIEW", "DELETED"]:
        PackageFactory(author=alice, name=f"hidden_{state.lower()}", state=state)
    RockFactory(author=alice, name="rocky")
    assert names(client.get("/api/packages/")) == ["shown"]


def test_release_is_the_highest_approved_finished_release(client, alice):
    package = PackageFactory(author=alice)
    older = make_release(package, "1.0.0")
    newer = make_release(package, "1.1.0")
    make_release(package, "2.0.0", approved=False)
    make_release(package, "2.1.0", task_state="RUNNING")
    assert client.get("/api/packages/").json()[0]["release"] == newer.pk > older.pk


def test_package_without_release_has_null_release_unless_a_version_is_asked(client, alice):
    PackageFactory(author=alice, name="bare")
    assert client.get("/api/packages/").json()[0]["release"] is None
    assert client.get("/api/packages/?protocol_version=41").json() == []


def test_unapproved_screenshot_is_never_the_thumbnail(client, alice):
    package = PackageFactory(author=alice)
    make_screenshot(package, "pending", order=0, approved=False)
    assert client.get("/api/packages/").json()[0]["thumbnail"] is None


def test_aliases_appear_only_when_the_package_has_some(client, alice):
    renamed = PackageFactory(author=alice, name="new_name")
    PackageFactory(author=alice, name="plain")
    PackageAlias.objects.create(package=renamed, author="alice", name="old_name")
    items = {i["name"]: i for i in client.get("/api/packages/").json()}
    assert items["new_name"]["aliases"] == ["alice/old_name"]
    assert "aliases" not in items["plain"]


def test_wip_dev_state_prefixes_the_short_description(client, alice):
    PackageFactory(author=alice, dev_state=DevState.WIP, short_description="Soon.")
    assert client.get("/api/packages/").json()[0]["short_description"] == "Work in Progress. Soon."


# filters --------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(alice, other_user):
    mit = License.objects.get(name="MIT")
    nc = License.objects.get(name="CC-BY-NC-4.0")
    game = PackageFactory(author=alice, name="valley_game", type=PackageType.GAME, score=5)
    mod = PackageFactory(author=alice, name="farming", title="Farming", score=30, downloads=7)
    txp = PackageFactory(author=other_user, name="crisp", type=PackageType.TXP, score=20)
    nonfree = PackageFactory(
        author=other_user, name="closed", license=mit, media_license=nc, score=10, downloads=90
    )
    mod.tags.set(Tag.objects.filter(name__in=["food", "survival"]))
    txp.tags.set(Tag.objects.filter(name__in=["survival"]))
    nonfree.content_warnings.set(ContentWarning.objects.filter(name="gore"))
    GameSupport.objects.create(package=mod, game=game, supports=True)
    GameSupport.objects.create(package=nonfree, game=game, supports=False)
    mod.languages.set(Language.objects.filter(id="de"))
    return {"game": game, "mod": mod, "txp": txp, "nonfree": nonfree}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=mod", {"farming", "closed"}),
        ("type=MOD&type=txp", {"farming", "closed", "crisp"}),
        ("type=game", {"valley_game"}),
        ("author=alice", {"farming", "valley_game"}),
        ("author=ALICE", {"farming", "valley_game"}),
        ("tag=survival", {"farming", "crisp"}),
        ("tag=survival&tag=food", {"farming"}),
        ("flag=nonfree", {"closed"}),
        ("flag=gore", {"closed"}),
        ("flag=*", {"closed"}),
        ("flag=made_up", {"farming", "closed", "crisp", "valley_game"}),
        ("hide=nonfree", {"farming", "crisp", "valley_game"}),
        ("hide=gore", {"farming", "crisp", "valley_game"}),
        ("hide=*", {"farming", "crisp", "valley_game"}),
        ("hide=android_default", {"farming", "crisp", "valley_game"}),
        ("hide=food", {"closed", "crisp", "valley_game"}),
        ("hide=food&hide=nonfree", {"crisp", "valley_game"}),
        ("license=mit", {"farming", "closed", "crisp", "valley_game"}),
        ("license=CC-BY-NC-4.0", {"closed"}),
        (
            "license=CC-BY-NC-4.0&license=CC-BY-SA-4.0",
            {"farming", "closed", "crisp", "valley_game"},
        ),
        ("game=alice/valley_game", {"farming"}),
        ("game=alice/valley", {"farming"}),
        ("lang=de", {"farming"}),
        ("lang=en", {"farming", "closed", "crisp", "valley_game"}),
        ("q=farm", {"farming"}),
        ("q=made+test", {"farming", "closed", "crisp", "valley_game"}),
        ("q=nothing-like-this", set()),
        ("q=+++", {"farming", "closed", "crisp", "valley_game"}),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert set(names(client.get(f"/api/packages/?{query}"))) == expected


def test_dev_state_hides(client, alice):
    PackageFactory(author=alice, name="wip", dev_state=DevState.WIP)
    PackageFactory(author=alice, name="old", dev_state=DevState.DEPRECATED)
    PackageFactory(author=alice, name="unset", dev_state=None)
    assert set(names(client.get("/api/packages/?hide=wip"))) == {"old", "unset"}
    assert set(names(client.get("/api/packages/?hide=deprecated"))) == {"wip", "unset"}
    assert set(names(client.get("/api/packages/?hide=desktop_default"))) == {"wip", "unset"}
    assert set(names(client.get("/api/packages/?flag=wip"))) == {"wip"}
    assert set(names(client.get("/api/packages/?flag=deprecated"))) == {"old"}


def test_ai_hides(client, alice):
    PackageFactory(author=alice, name="made", ai_disclosure=AIDisclosure.GENERATED)
    PackageFactory(author=alice, name="helped", ai_disclosure=AIDisclosure.ASSISTED)
    PackageFactory(author=alice, name="human", ai_disclosure=AIDisclosure.NONE)
    assert set(names(client.get("/api/packages/?hide=genai"))) == {"helped", "human"}
    assert set(names(client.get("/api/packages/?hide=anyai"))) == {"human"}


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("type=rock", 400, "Unknown type: rock"),
        ("type=foo", 400, "Unknown type: foo"),
        ("tag=nope", 400, "Unknown tag: nope"),
        ("hide=nope", 400, "Unknown tag or content warning nope"),
        ("game=alice/nope", 400, "Unable to find that game"),
        ("game=nope", 400, "Unable to find that game"),
        ("author=nobody", 404, "Author not found"),
        ("protocol_version=abc", 400, None),
        ("protocol_version=99999999999999999999", 400, None),
        ("limit=ten", 400, None),
        ("limit=-1", 400, None),
        ("sort=popularity", 400, None),
        ("order=sideways", 400, None),
    ],
)
def test_bad_parameters_are_4xx_json(client, catalogue, query, status, message):
    text = error(client.get(f"/api/packages/?{query}"), status)
    if message:
        assert text == message


def test_unknown_license_lists_the_known_ones(client, catalogue):
    text = error(client.get("/api/packages/?license=Beerware"), 400)
    assert text.startswith("Unknown license. Expected license name from: ")
    assert "MIT" in text


# versions -------------------------------------------------------------------------------------


@pytest.fixture
def ranged(alice):
    """old: up to 5.4; new: from 5.8; any: no range; both: two releases with different ranges."""
    old = PackageFactory(author=alice, name="old")
    new = PackageFactory(author=alice, name="new")
    anyv = PackageFactory(author=alice, name="anyv")
    both = PackageFactory(author=alice, name="both")
    releases = {
        "old": make_release(old, max_version="5.4"),
        "new": make_release(new, min_version="5.8"),
        "anyv": make_release(anyv),
        "both_old": make_release(both, "1.0", max_version="5.5"),
        "both_new": make_release(both, "2.0", min_version="5.9"),
    }
    return releases


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the 5.6 client: only releases whose range holds 5.6
        ("protocol_version=41&engine_version=5.6.1", {"anyv": "anyv"}),
        ("engine_version=5.4.1", {"old": "old", "anyv": "anyv", "both": "both_old"}),
        ("engine_version=5.5.0", {"anyv": "anyv", "both": "both_old"}),
        # protocol 39 alone: the newest row of protocol 39 (5.4)
        ("protocol_version=39", {"old": "old", "anyv": "anyv", "both": "both_old"}),
        ("protocol_version=37", {"old": "old", "anyv": "anyv", "both": "both_old"}),
        ("engine_version=5.8", {"new": "new", "anyv": "anyv"}),
        ("engine_version=5.9.1", {"new": "new", "anyv": "anyv", "both": "both_new"}),
        # unknown 5.18: the newest row with protocol <= 53 (5.15-dev)
        (
            "protocol_version=53&engine_version=5.18.0-dev",
            {"new": "new", "anyv": "anyv", "both": "both_new"},
        ),
    ],
)
def test_version_parameters_pick_compatible_releases(client, ranged, query, expected):
    items = {i["name"]: i["release"] for i in client.get(f"/api/packages/?{query}").json()}
    assert items == {name: ranged[release].pk for name, release in expected.items()}


def test_unknown_version_means_no_filter_but_drops_packages_without_release(client, ranged, alice):
    PackageFactory(author=alice, name="bare")
    items = names(client.get("/api/packages/?engine_version=99.1"))
    assert set(items) == {"old", "new", "anyv", "both"}


# sorting, limit, formats ------------------------------------------------------------------------


@pytest.fixture
def sortable(alice, other_user):
    now = timezone.now()
    rows = [
        ("bravo", "Charlie", 10, 300, 3, 1),
        ("alpha", "delta", 30, 100, 1, 3),
        ("charlie", "Bravo", 20, 200, 2, 2),
    ]
    made = {}
    for name, title, score, downloads, created, approved in rows:
        made[name] = PackageFactory(
            author=alice,
            name=name,
            title=title,
            score=score,
            downloads=downloads,
            created_at=now - timedelta(days=created),
            approved_at=now - timedelta(days=approved),
        )
    make_release(made["alpha"], created_at=now - timedelta(days=5))
    make_release(made["charlie"], created_at=now - timedelta(days=1))
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["alpha", "charlie", "bravo"]),
        ("sort=score", ["alpha", "charlie", "bravo"]),
        ("sort=score&order=asc", ["bravo", "charlie", "alpha"]),
        ("sort=name&order=asc", ["alpha", "bravo", "charlie"]),
        ("sort=name", ["charlie", "bravo", "alpha"]),
        ("sort=title&order=asc", ["charlie", "bravo", "alpha"]),
        ("sort=downloads", ["bravo", "charlie", "alpha"]),
        ("sort=created_at", ["alpha", "charlie", "bravo"]),
        ("sort=date&order=asc", ["bravo", "charlie", "alpha"]),
        ("sort=approved_at", ["bravo", "charlie", "alpha"]),
        ("sort=last_release", ["charlie", "alpha", "bravo"]),
        ("sort=last_release&order=asc", ["bravo", "alpha", "charlie"]),
        ("limit=2", ["alpha", "charlie"]),
        ("limit=0", ["alpha", "charlie", "bravo"]),
        ("lucky", ["alpha"]),
        ("q=alpha", ["alpha"]),
    ],
)
def test_sorting_and_limit(client, sortable, query, expected):
    assert names(client.get(f"/api/packages/?{query}")) == expected


def test_sort_by_reviews_keeps_reviewed_packages_only(client, sortable, other_user):
    from packages.models import Review

    Review.objects.create(package=sortable["bravo"], author=other_user, rating=5, title="good")
    assert names(client.get("/api/packages/?sort=reviews")) == ["bravo"]


def test_random_returns_everything_in_some_order(client, sortable):
    assert sorted(names(client.get("/api/packages/?random"))) == ["alpha", "bravo", "charlie"]


def test_fmt_keys_and_vcs(client, alice):
    PackageFactory(author=alice, name="farming", repo="https://git.example/farming")
    assert client.get("/api/packages/?fmt=keys").json() == [
        {"name": "farming", "author": "alice", "type": "mod"}
    ]
    [vcs] = client.get("/api/packages/?fmt=vcs").json()
    assert set(vcs) == SHORT_KEYS | {"repo"}
    assert vcs["repo"] == "https://git.example/farming"
    [other] = client.get("/api/packages/?fmt=whatever").json()
    assert set(other) == SHORT_KEYS


# caching --------------------------------------------------------------------------------------


def test_list_is_served_from_cache_until_a_luanti_write(
    client, alice, django_assert_num_queries, django_capture_on_commit_callbacks
):
    PackageFactory(author=alice, name="first")
    assert names(client.get("/api/packages/?type=mod")) == ["first"]
    PackageFactory(author=alice, name="second", score=-1)
    with django_assert_num_queries(0):
        assert names(client.get("/api/packages/?type=mod")) == ["first"]
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_luanti_lists()
    assert names(client.get("/api/packages/?type=mod")) == ["first", "second"]


def test_different_query_strings_are_cached_apart(client, alice):
    PackageFactory(author=alice, name="modx")
    PackageFactory(author=alice, name="gamex", type=PackageType.GAME)
    assert names(client.get("/api/packages/?type=mod")) == ["modx"]
    assert names(client.get("/api/packages/?type=game")) == ["gamex"]


def test_list_answer_headers(client):
    response = client.get("/api/packages/")
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_author_with_space_in_name_is_listed(client):
    spaced = UserFactory(username="Some One")
    PackageFactory(author=spaced, name="spaced")
    assert names(client.get("/api/packages/?author=Some%20One")) == ["spaced"]
    assert User.objects.count() >= 1
    assert PackageState.APPROVED


def test_featured_collection_packages_come_first_and_are_marked(client, alice):
    from packages.models import Collection, CollectionItem

    PackageFactory(author=alice, name="top", score=100)
    star = PackageFactory(author=alice, name="star", score=1, short_description="Shiny.")
    staff = UserFactory(username="ContentDB")
    featured = Collection.objects.create(author=staff, name="featured", title="Featured")
    CollectionItem.objects.create(collection=featured, package=star)
    items = client.get("/api/packages/").json()
    assert [i["name"] for i in items] == ["star", "top"]
    assert items[0]["featured"] is True
    assert items[0]["short_description"] == "Featured. Shiny."
    assert "featured" not in items[1]
    assert names(client.get("/api/packages/?sort=score")) == ["top", "star"]


@pytest.mark.parametrize("query", ["q=%00", "author=a%00b", "tag=%00"])
def test_nul_characters_are_refused(client, alice, query):
    PackageFactory(author=alice)
    assert error(client.get(f"/api/packages/?{query}"), 400)


def test_nul_in_a_path_is_refused(client):
    assert client.get("/api/packages/al%00ice/x/").status_code in (400, 404)
    assert client.get("/packages/al%00ice/x/download/").status_code == 400  # site-wide rule
