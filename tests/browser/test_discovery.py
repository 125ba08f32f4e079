"""Discovery in the browser on the demo data: search with a typo, the game hub and the game filter,
a dependency link, and Favourites from a package page. Every page passes the accessibility smoke
check (helpers.visit)."""

import os

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.browser.helpers import PASSWORD, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_game_filter_dependency_link_and_favourites(page, live_server):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    site = live_server.url

    # the home page's game hub leads to the mods for Voxel Valley
    visit(page, f"{site}/")
    page.locator(".game-hub").get_by_role("link", name="Voxel Valley").click()
    page.wait_for_url("**/packages/?game=sofia/voxel_valley")
    cards = page.locator("ul.cards")
    for title in ("Wolves", "Farming Plus", "Mobs Core", "Lantern Posts"):
        assert cards.get_by_text(title, exact=True).count() == 1
    assert cards.get_by_text("Signs Library", exact=True).count() == 0
    assert page.get_by_label("Game").input_value() == "sofia/voxel_valley"

    # a typo, in the search box, with the game filter kept
    page.get_by_label("Search", exact=True).fill("wolvs")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/packages/?q=wolvs*")
    first = page.locator("ul.cards li").first
    assert "Wolves" in first.inner_text()
    first.get_by_role("link").first.click()
    page.wait_for_url("**/packages/rubens/wolves/")
    visit(page, page.url)

    # the dependency leads to the package that provides it
    page.locator("section", has=page.locator("#dependencies-heading")).get_by_role(
        "link", name="mobs_core"
    ).click()
    page.wait_for_url("**/packages/rubens/mobs_core/")
    used_by = page.locator("section", has=page.locator("#used-by-heading"))
    assert used_by.get_by_role("link", name="Wolves").count() == 1

    # signed in, Favourites from the package page
    sofia = User.objects.get(username="sofia")
    sofia.set_password(PASSWORD)
    sofia.save()
    visit(page, f"{site}/accounts/login/?next=/packages/rubens/mobs_core/")
    page.get_by_label("Username").fill("sofia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/packages/rubens/mobs_core/")
    page.get_by_role("button", name="☆ Add to Favourites").click()
    page.wait_for_url("**/packages/rubens/mobs_core/#collections")
    assert page.get_by_role("button", name="★ Remove from Favourites").count() == 1
    visit(page, f"{site}/collections/sofia/favorites/")
    assert page.get_by_role("link", name="Mobs Core").count() == 1
