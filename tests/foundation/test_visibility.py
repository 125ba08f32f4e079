"""The visibility rule as the selectors apply it (packages/selectors.py): approved packages are
public, every other state is not; lookups by author/name are case-insensitive and keep rocks and
Luanti content in their own namespaces. (Who may see an unapproved package is the VIEW_PACKAGE rule
of packages/permissions.py, held by tests/moderation/test_permission_matrix.py.)"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Rank, User
from accounts.services import create_api_token
from packages.models import PackageAlias, PackageState, PackageType
from packages.permissions import Action, can
from packages.selectors import visible_packages
from tests.factories import PackageFactory, RockFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [
    PackageState.WIP,
    PackageState.CHANGES_NEEDED,
    PackageState.READY_FOR_REVIEW,
    PackageState.DELETED,
]


@pytest.fixture
def world(user):
    """alice's approved mod and rock, and one mod and one rock in every hidden state."""
    PackageFactory(author=user, name="shown_mod", downloads=5)
    RockFactory(author=user, name="shown-rock", downloads=7)
    for state in HIDDEN_STATES:
        PackageFactory(author=user, name=f"hidden_{state.lower()}", state=state, downloads=100)
        RockFactory(author=user, name=f"hidden-rock-{state.lower()}", state=state, downloads=100)


def test_the_sitemap_lists_approved_packages_only(client, world):
    body = client.get("/sitemap.xml").content.decode()
    assert "/packages/alice/shown_mod/" in body
    assert "shown-rock" in body
    assert "hidden" not in body
    assert body.count("/users/alice/") == 1


def test_the_home_page_counts_approved_packages_and_their_downloads(client, world):
    body = " ".join(client.get("/").content.decode().split())
    assert "<strong>1</strong> rocks" in body
    assert "<strong>1</strong> Luanti packages" in body
    assert "<strong>12</strong> downloads" in body


def test_an_empty_site_counts_zero(client, db):
    body = " ".join(client.get("/").content.decode().split())
    assert "<strong>0</strong> rocks" in body and "<strong>0</strong> downloads" in body


def test_the_contentdb_face_never_finds_a_rock(client, world):
    assert client.get("/api/packages/alice/shown-rock/").status_code == 404
    assert client.get("/api/packages/ALICE/SHOWN_MOD/").json()["name"] == "shown_mod"


def test_a_rock_and_a_mod_of_one_name_live_side_by_side(client, user):
    RockFactory(author=user, name="twin", title="Twin rock")  # first: the one a lookup finds
    mod = PackageFactory(author=user, name="twin", title="Twin mod")
    _, token = create_api_token(user=user)
    response = client.put(
        "/api/packages/Alice/TWIN/",
        {"title": "Renamed"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    mod.refresh_from_db()
    assert mod.title == "Renamed"
    assert client.get("/api/packages/alice/twin/").json()["title"] == "Renamed"


def test_a_game_is_found_under_its_name_without_the_game_suffix(client, user):
    PackageFactory(author=user, name="valley_game", type=PackageType.GAME)
    response = client.get("/api/packages/alice/valley/")
    assert response.status_code == 302
    assert response["Location"] == "/api/packages/alice/valley_game/"
    assert client.get("/api/packages/alice/nothing/").status_code == 404


def test_an_alias_of_a_rock_never_redirects(client, user):
    rock = RockFactory(author=user, name="newrock")
    PackageAlias.objects.create(package=rock, author="alice", name="oldrock")
    assert client.get("/api/packages/alice/oldrock/").status_code == 404


def test_aliases_are_case_insensitive(client, user):
    mod = PackageFactory(author=user, name="newname")
    PackageAlias.objects.create(package=mod, author="alice", name="oldname")
    response = client.get("/api/packages/ALICE/OldName/")
    assert response["Location"] == "/api/packages/alice/newname/"


def test_an_empty_site_counts_zero_luanti_packages(client, db):
    body = " ".join(client.get("/").content.decode().split())
    assert "<strong>0</strong> Luanti packages" in body


# --- what the selectors fetch (their callers count on it) --------------------------------------
def test_the_default_luanti_lookup_fetches_what_the_detail_shows(user, django_assert_num_queries):
    from packages.selectors import package_by_key

    PackageFactory(author=user, name="farming")
    package = package_by_key(author="alice", name="farming", rock=False, detailed=True)
    with django_assert_num_queries(0):
        list(package.maintainers.all()), list(package.tags.all()), list(package.screenshots.all())
        assert package.license.name == "MIT" and package.author.username == "alice"
    plain = package_by_key(author="alice", name="farming", rock=False, detailed=False)
    with django_assert_num_queries(1):
        list(plain.tags.all())


def test_a_package_without_game_support_costs_one_query(user, django_assert_num_queries):
    from releases.selectors import game_support_rows

    package = PackageFactory(author=user, name="farming")
    with django_assert_num_queries(1):
        assert game_support_rows(package=package, viewer=None) == []


def test_game_support_rows_name_the_game_without_its_aliases(user):
    from releases.selectors import game_support_rows

    game = PackageFactory(author=user, name="valley_game", type=PackageType.GAME)
    PackageAlias.objects.create(package=game, author="alice", name="old_valley")
    package = PackageFactory(author=user, name="farming")
    package.game_support.create(game=game, supports=True, confidence=8)
    (row,) = game_support_rows(package=package, viewer=None)
    assert (row["supports"], row["confidence"], row["game"]["name"]) == (True, 8, "valley_game")
    assert "aliases" not in row["game"]


def test_no_rows_cost_no_query(db, django_assert_num_queries):
    from packages.models import Package
    from releases.selectors import short_package_rows

    with django_assert_num_queries(0):
        assert short_package_rows(Package.objects.none()) == []


def test_visible_packages_is_the_view_rule_as_a_query(db):
    """The queryset every list uses and `can(VIEW_PACKAGE)` (whose answers the golden table of
    tests/moderation/test_permission_matrix.py holds) agree for every rank of the ladder, a
    superuser of the lowest rank, the package's author and maintainer, a suspended maintainer and
    the public, on a package in every state."""
    author = UserFactory(username="au")
    maintainer = UserFactory(username="mt")
    suspended = UserFactory(username="sus", is_suspended=True)
    packages = []
    for state in PackageState.values:
        package = PackageFactory(author=author, name=f"p_{state.lower()}", state=state)
        package.maintainers.add(maintainer, suspended)
        packages.append(package)
    viewers: list[User | AnonymousUser | None] = [None, AnonymousUser(), author, maintainer]
    viewers += [UserFactory(username=f"r{int(rank)}", rank=rank) for rank in Rank]
    viewers += [suspended, UserFactory(username="root", rank=Rank.BANNED, is_superuser=True)]
    seen = set()
    for viewer in viewers:
        expected = {p.pk for p in packages if can(viewer, Action.VIEW_PACKAGE, p)}
        assert set(visible_packages(viewer=viewer).values_list("pk", flat=True)) == expected, viewer
        seen.add(len(expected))
    assert seen == {1, 4, 5}  # the public; the people and approvers up to bots; moderators up
