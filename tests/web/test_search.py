"""The one search (packages/search.py) through the web list and the ContentDB `q=`, on the demo
data: typos, partial words, authors, tags and labels; the list's parameters are checked."""

import pytest

from tests.factories import PackageFactory, UserFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [p.title for p in response.context["packages"]]


def api_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [f"{i['author']}/{i['name']}" for i in response.json()]


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("wolf", "Wolves"),  # a word of the title, singular: trigram similarity 0.6
        ("wolvs", "Wolves"),  # a typo
        ("wol", "Wolves"),  # a prefix
        ("WOLVES", "Wolves"),
        ("lanten", "Lantern Posts"),  # a typo of a word
        ("lantern", "Lantern Posts"),
        ("lamp posts", "Lantern Posts"),  # several words of the description
        ("tinyjsn", "tinyjson"),  # a rock's name with a typo
        ("demo", "tinyjson"),  # a rock label
        ("pathfinding", "Mobs Core"),  # a word of the short description
        ("decorative", "Lantern Posts"),  # a tag
    ],
)
def test_web_search_finds_what_users_mean(client, demo, query, wanted):
    found = titles(client.get("/packages/", {"q": query}))
    assert wanted in found, found


@pytest.mark.parametrize(("query", "wanted"), [("wolf", "wolves"), ("lanten", "lantern posts")])
def test_the_best_match_comes_first(client, demo, query, wanted):
    assert titles(client.get("/packages/", {"q": query}))[0].lower() == wanted


def test_an_author_finds_their_packages(client, demo):
    found = set(titles(client.get("/packages/", {"q": "sofia"})))
    assert {"Voxel Valley", "Farming Plus"} <= found
    assert "Wolves" not in found
    # the display name, in part
    assert {"Voxel Valley", "Farming Plus"} <= set(titles(client.get("/packages/?q=Sofi")))


def test_nonsense_finds_nothing(client, demo):
    assert titles(client.get("/packages/", {"q": "zzqxv"})) == []
    assert titles(client.get("/packages/", {"q": "wolves zzqxv"})) == []  # every word must match


def test_every_word_must_match(client, demo):
    assert titles(client.get("/packages/", {"q": "wolves night"})) == ["Wolves"]


def test_api_q_is_the_same_search(client, demo):
    assert api_names(client.get("/api/packages/?q=wolvs"))[0] == "rubens/wolves"
    assert "lunar/lantern_posts" in api_names(client.get("/api/packages/?q=lanten"))
    found = set(api_names(client.get("/api/packages/?q=sofia")))
    assert {"sofia/voxel_valley", "sofia/farming_plus"} <= found
    assert "rubens/wolves" not in found
    # rocks stay off the ContentDB face even when they match
    assert api_names(client.get("/api/packages/?q=tinyjson")) == []


def test_relevance_then_score(client, user):
    PackageFactory(author=user, name="wolfpack", title="Wolf Pack", score=1)
    PackageFactory(author=user, name="wolf", title="Wolf", score=0)
    PackageFactory(author=user, name="forest", title="Forest", short_description="wolf", score=50)
    assert titles(client.get("/packages/?q=wolf"))[:2] == ["Wolf", "Wolf Pack"]


def test_author_display_name_matches(client, db):
    author = UserFactory(username="xq_42", display_name="Marguerite")
    PackageFactory(author=author, name="thing", title="Thing")
    assert titles(client.get("/packages/?q=marguerite")) == ["Thing"]


@pytest.mark.parametrize("value", ["rock", "ROCK", "Rock"])
def test_type_is_case_insensitive(client, demo, value):
    found = set(titles(client.get(f"/packages/?type={value}")))
    assert found == {"luafmt", "tinyjson", "pathfind"}


def test_unknown_type_is_a_clear_message_on_the_web(client, demo):
    response = client.get("/packages/?type=plugin")
    assert titles(response) == []
    body = response.content.decode()
    assert "Unknown type “plugin”" in body and "rock" in body


def test_unknown_type_is_a_400_on_the_api(client, demo):
    response = client.get("/api/packages/?type=plugin")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "Unknown type: plugin"}


def test_unknown_game_and_order_are_messages(client, demo):
    response = client.get("/packages/?game=nobody/nothing")
    assert titles(response) == []
    assert "No game “nobody/nothing”" in response.content.decode()
    response = client.get("/packages/?order=sideways")
    assert "Unknown order" in response.content.decode()
    assert titles(response)  # sorted by the default order instead


def test_game_filter_on_the_web(client, demo):
    found = set(titles(client.get("/packages/?game=sofia/voxel_valley")))
    # from the .conf (farming_plus, wolves), by the author (mobs_core), detected (lantern_posts)
    assert found == {"Farming Plus", "Wolves", "Mobs Core", "Lantern Posts"}
    combined = titles(client.get("/packages/?game=SOFIA/voxel_valley&q=wolf"))
    assert combined == ["Wolves"]


def test_game_filter_on_the_api(client, demo):
    found = set(api_names(client.get("/api/packages/?game=sofia/voxel_valley")))
    assert found == {
        "sofia/farming_plus",
        "rubens/wolves",
        "rubens/mobs_core",
        "lunar/lantern_posts",
    }
    response = client.get("/api/packages/?game=sofia/nothing")
    assert response.status_code == 400
    assert response.json()["error"] == "Unable to find that game"


def test_search_words_are_bounded(client, user):
    PackageFactory(author=user, name="alpha", title="Alpha")
    words = " ".join(["alpha"] * 30 + ["x" * 500])
    assert titles(client.get("/packages/", {"q": words})) == ["Alpha"]


def test_a_swapped_letter_is_a_typo_too(client, demo):
    assert titles(client.get("/packages/?q=lantren"))[0] == "Lantern Posts"
