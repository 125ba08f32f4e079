"""The one look-up of a package for a request (packages/selectors.py: package_for_action,
package_by_key), through the faces that use it: an old name leads only where the visitor may go, a
missing key is 404 for reads and writes alike, a rock's key never lands on Luanti content (nor the
other way round), and the admin finds a package by its id."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Rank
from packages.models import Package, PackageState, PackageType
from packages.ownership import transfer_ownership
from tests.factories import PackageFactory, ReleaseFactory, RockFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = {"success": False, "error": "Package not found"}


@pytest.fixture
def people(make_user):
    return {
        "victim": make_user("victim"),
        "heir": make_user("heir"),
        "modo": make_user("modo", Rank.MODERATOR, is_staff=True),
    }


@pytest.fixture
def hidden_move(people):
    """victim/shadowme moved to heir, then sent back to work in progress: hidden from the public."""
    package = PackageFactory(author=people["victim"], name="shadowme", title="Shadow Me")
    ReleaseFactory(package=package, name="1.0", title="1.0")
    transfer_ownership(by=people["modo"], package=package, new_owner=people["heir"])
    Package.objects.filter(pk=package.pk).update(state=PackageState.WIP)
    return package


def test_an_old_name_of_a_package_the_visitor_may_not_see_is_not_found(
    client, web, people, hidden_move
):
    # a redirect would tell the public where a hidden package went
    response = client.get("/api/packages/victim/shadowme/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client.get("/packages/victim/shadowme/").status_code == 404
    # its owner may see it: the old name leads there
    moved = web(people["heir"]).get("/packages/victim/shadowme/")
    assert (moved.status_code, moved["Location"]) == (302, "/packages/heir/shadowme/")


def test_a_package_squatting_the_old_name_of_a_hidden_package_is_not_shown(
    client, people, hidden_move
):
    # made before aliases reserved their key: the alias still holds it, and it leads nowhere the
    # public may go, so the key is not found rather than the squatter's
    PackageFactory(author=people["victim"], name="shadowme", title="Squatter")
    response = client.get("/api/packages/victim/shadowme/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert "Squatter" not in client.get("/packages/victim/shadowme/").content.decode()


def test_writing_to_a_package_that_does_not_exist_is_not_found(client, bearer, people):
    response = client.put(
        "/api/packages/victim/missing/",
        {"title": "Ghost"},
        content_type="application/json",
        **bearer(people["victim"]),
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert not Package.objects.filter(name="missing").exists()


def test_a_games_short_name_leads_to_the_game_but_a_rocks_key_never_does(client, people):
    PackageFactory(author=people["victim"], name="valley_game", type=PackageType.GAME)
    game = client.get("/packages/victim/valley/")
    assert (game.status_code, game["Location"]) == (302, "/packages/victim/valley_game/")
    assert client.get("/modules/victim/valley").status_code == 404


def test_a_rock_and_a_mod_of_one_key_each_answer_for_themselves(client, bearer, people):
    victim = people["victim"]
    RockFactory(author=victim, name="twin", title="twin rock")  # the older row
    PackageFactory(author=victim, name="twin", title="Twin Mod")
    response = client.put(
        "/api/packages/victim/twin/",
        {"title": "Twin Mod, renamed"},
        content_type="application/json",
        **bearer(victim),
    )
    assert response.status_code == 200, response.content
    answer = response.json()["package"]
    assert (answer["title"], answer["type"]) == ("Twin Mod, renamed", "mod")
    assert Package.objects.get(type=PackageType.ROCK, name="twin").title == "twin rock"


def test_the_approve_command_finds_a_rock_by_its_key(people, capsys):
    RockFactory(author=people["victim"], name="late-rock", state=PackageState.WIP)
    call_command("approve_package", "victim/late-rock")
    assert Package.objects.get(name="late-rock").state == PackageState.APPROVED
    assert "victim/late-rock is approved." in capsys.readouterr().out


def test_the_admin_review_page_finds_the_package_by_its_id(web, people):
    package = PackageFactory(
        author=people["victim"], name="queued", state=PackageState.READY_FOR_REVIEW
    )
    response = web(people["modo"]).get(reverse("admin:packages_package_review", args=[package.pk]))
    assert response.status_code == 200
    assert "Review victim/queued" in response.content.decode()
