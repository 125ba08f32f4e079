"""Collections on the web (packages.collections), and the ContentDB face reading the same rows."""

import pytest

from packages.collections import add_to_collection, create_collection, favourites
from packages.errors import CollectionExists, InvalidCollection, NotAllowed
from packages.models import Collection, CollectionItem, PackageState
from tests.factories import PackageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod(other_user):
    return PackageFactory(author=other_user, name="wolves", title="Wolves")


def test_favourites_from_a_package_page(client, user, mod):
    client.force_login(user)
    body = client.get("/packages/bob/wolves/").content.decode()
    assert "Add to Favourites" in body
    response = client.post("/packages/bob/wolves/collect/", {"collection": "favorites"})
    assert response.status_code == 302 and response["Location"].endswith("#collections")
    collection = Collection.objects.get(author=user, name="favorites")
    assert collection.private and collection.title == "Favourites"
    assert list(collection.packages.all()) == [mod]
    assert "Remove from Favourites" in client.get("/packages/bob/wolves/").content.decode()
    # private: its author sees it, nobody else does, on the web or the API
    assert "Wolves" in client.get("/collections/alice/favorites/").content.decode()
    client.logout()
    assert client.get("/collections/alice/favorites/").status_code == 404
    assert client.get("/api/collections/alice/favorites/").status_code == 404
    client.force_login(user)
    client.post("/packages/bob/wolves/collect/", {"collection": "favorites", "do": "remove"})
    assert not collection.packages.exists()


def test_create_add_remove_and_make_public(client, user, mod):
    client.force_login(user)
    response = client.post(
        "/settings/collections/new/",
        {"title": "Night mods", "short_description": "For the dark", "private": "on"},
    )
    assert response.status_code == 302 and response["Location"] == "/collections/alice/night-mods/"
    page = client.get("/packages/bob/wolves/").content.decode()
    assert '<option value="night-mods">Night mods</option>' in page
    client.post("/packages/bob/wolves/collect/", {"collection": "night-mods"})
    assert "Wolves" in client.get("/collections/alice/night-mods/").content.decode()
    assert client.get("/api/collections/alice/night-mods/").status_code == 404  # still private
    response = client.post(
        "/collections/alice/night-mods/", {"title": "Night mods", "short_description": ""}
    )
    assert response.status_code == 302
    data = client.get("/api/collections/alice/night-mods/").json()
    assert [i["package"]["name"] for i in data["items"]] == ["wolves"]
    # the package page links the public collection, for everyone
    client.logout()
    assert (
        'href="/collections/alice/night-mods/"'
        in client.get("/packages/bob/wolves/").content.decode()
    )
    client.force_login(user)
    client.post("/collections/alice/night-mods/remove/", {"package": mod.pk})
    assert not CollectionItem.objects.exists()
    client.post("/collections/alice/night-mods/delete/")
    assert not Collection.objects.filter(name="night-mods").exists()


def test_collection_list_of_a_user(client, user, other_user):
    create_collection(by=user, title="Public one")
    create_collection(by=user, title="Secret one", private=True)
    assert "Public one" in client.get("/collections/alice/").content.decode()
    assert "Secret one" not in client.get("/collections/alice/").content.decode()
    client.force_login(user)
    assert "Secret one" in client.get("/collections/alice/").content.decode()


def test_bad_input_is_shown_next_to_the_field(client, user):
    client.force_login(user)
    create_collection(by=user, title="Taken")
    response = client.post("/settings/collections/new/", {"title": "Taken"})
    assert response.status_code == 400
    assert "already have a collection" in response.content.decode()
    response = client.post("/settings/collections/new/", {"title": "!!!"})
    assert response.status_code == 400
    assert Collection.objects.count() == 1


def test_others_may_not_change_a_collection(client, user, other_user, mod):
    collection = create_collection(by=user, title="Mine")
    client.force_login(other_user)
    assert client.post("/collections/alice/mine/", {"title": "Hacked"}).status_code == 403
    assert client.post("/collections/alice/mine/remove/", {"package": mod.pk}).status_code == 403
    assert client.post("/collections/alice/mine/delete/").status_code == 403
    collection.refresh_from_db()
    assert collection.title == "Mine"
    # their own collection of that name does not exist: nothing is added anywhere
    assert client.post("/packages/bob/wolves/collect/", {"collection": "mine"}).status_code == 404
    assert not CollectionItem.objects.exists()
    client.logout()
    assert client.post("/packages/bob/wolves/collect/").status_code == 302  # to the login page
    assert not Collection.objects.filter(name="favorites").exists()


def test_services_refuse_what_they_must(user, other_user, mod):
    mine = create_collection(by=user, title="Mine")
    with pytest.raises(NotAllowed):
        add_to_collection(by=other_user, collection=mine, package=mod)
    hidden = PackageFactory(author=other_user, name="draft", state=PackageState.WIP)
    with pytest.raises(NotAllowed):
        add_to_collection(by=user, collection=mine, package=hidden)
    with pytest.raises(CollectionExists):
        create_collection(by=user, title="MINE")
    with pytest.raises(InvalidCollection):
        create_collection(by=user, title=" ")
    assert favourites(by=user) == favourites(by=user)
    add_to_collection(by=user, collection=mine, package=mod)
    add_to_collection(by=user, collection=mine, package=mod, description="twice")
    assert CollectionItem.objects.get().description == "twice"


def test_a_moderator_may_edit_any_collection(moderator, user):
    mine = create_collection(by=user, title="Mine", private=True)
    from packages.collections import may_view_collection, update_collection

    assert may_view_collection(mine, moderator)
    assert not may_view_collection(mine, UserFactory(username="stranger"))
    update_collection(
        by=moderator, collection=mine, title="Fixed", short_description="", private=True
    )
