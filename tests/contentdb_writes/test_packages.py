"""POST /api/packages/ (our extension) and PUT /api/packages/<author>/<name>/ (docs/protocols/contentdb.md)."""

import pytest

from accounts.models import Rank
from accounts.services import create_api_token
from packages.models import Package, PackageAlias, PackageState, PackageType, Tag
from tests.factories import PackageFactory, UserFactory

NEW = {
    "type": "Mod",
    "name": "cooking",
    "title": "Cooking",
    "short_description": "Cook food",
    "license": "mit",
    "media_license": "CC-BY-SA-4.0",
}
URL = "/api/packages/alice/farming/"


def create(client, headers, **fields):
    return client.post(
        "/api/packages/", {**NEW, **fields}, content_type="application/json", **headers
    )


def put(client, headers, body, url=URL):
    return client.put(url, body, content_type="application/json", **headers)


@pytest.mark.django_db
def test_create_package_starts_in_wip_and_answers_201_with_the_detail(client, user, token):
    response = create(
        client, token, tags=["food", "survival"], repo="https://example.org/cooking.git"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["success"] is True
    package = body["package"]
    assert (package["author"], package["name"], package["type"]) == ("alice", "cooking", "mod")
    assert package["state"] == "WIP"
    assert package["license"] == "MIT"
    assert package["tags"] == ["food", "survival"]
    assert package["repo"] == "https://example.org/cooking.git"
    assert package["maintainers"] == ["alice"]
    row = Package.objects.get(name="cooking")
    assert row.author == user and row.state == PackageState.WIP and row.type == PackageType.MOD


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"type": "rock"}, 400, "type must be one of mod, game, txp"),
        ({"name": "Cooking-Pot"}, 400, "name must be 1-100 characters of a-z, 0-9 and _"),
        ({"license": "Beerware"}, 400, "Unknown license Beerware"),
        ({"title": None}, 400, "title is required"),
        ({"title": "x" * 101}, 400, "title must be at most 100 characters"),
        ({"tags": ["no_such_tag"]}, 400, "Unknown tag: no_such_tag"),
        ({"colour": "red"}, 400, "colour is not a known field"),
        ({"website": "javascript:alert(1)"}, 400, "website must start with http:// or https://"),
    ],
)
def test_bad_create_is_refused_and_nothing_is_made(client, token, fields, status, message):
    response = create(client, token, **fields)
    assert response.status_code == status
    assert response.json() == {"success": False, "error": message}
    assert not Package.objects.filter(name__in=["cooking", "Cooking-Pot"]).exists()


@pytest.mark.django_db
def test_create_needs_a_token_not_limited_to_a_package(client, user, mod_package):
    assert create(client, {}).status_code == 401
    _, secret = create_api_token(user=user, package=mod_package)
    response = create(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"})
    assert response.status_code == 403
    assert "limited to one package" in response.json()["error"]
    assert not Package.objects.filter(name="cooking").exists()


@pytest.mark.django_db
def test_create_refuses_a_name_the_author_already_uses(client, token, mod_package):
    response = create(client, token, name="farming")
    assert response.status_code == 403
    assert response.json()["error"] == "You already have a package called farming"
    assert Package.objects.filter(name="farming").count() == 1


@pytest.mark.django_db
def test_put_changes_fields_and_reports_was_modified(client, token, mod_package):
    body = {
        "title": "Farming Redo",
        "short_desc": "Grow things",
        "tags": ["food"],
        "content_warnings": ["gore"],
        "dev_state": "beta",
        "website": "https://example.org/farming",
        "video_url": "https://youtu.be/abcDEF123",
        "forum_url": "https://forum.luanti.org/viewtopic.php?t=1234",
        "$schema": "https://content.luanti.org/api/cdb_schema/",
        "downloads": 99,
    }
    response = put(client, token, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["success"] is True and answer["was_modified"] is True
    package = answer["package"]
    assert package["title"] == "Farming Redo"
    assert package["short_description"] == "Grow things"
    assert package["tags"] == ["food"] and package["content_warnings"] == ["gore"]
    assert package["dev_state"] == "BETA"
    assert package["video_url"] == "https://www.youtube.com/watch?v=abcDEF123"
    assert package["forums"] == 1234
    assert package["downloads"] == 0  # read-only keys are ignored
    again = put(client, token, body).json()
    assert again["was_modified"] is False


@pytest.mark.django_db
def test_put_with_unchanged_values_saves_nothing(client, token, mod_package):
    before = Package.objects.get(pk=mod_package.pk).updated_at
    response = put(client, token, {"title": mod_package.title})
    assert response.json()["was_modified"] is False
    assert Package.objects.get(pk=mod_package.pk).updated_at == before


@pytest.mark.django_db
def test_null_deletes_a_nullable_field(client, token, mod_package):
    put(client, token, {"website": "https://example.org", "tags": ["food"]})
    answer = put(client, token, {"website": None, "tags": None}).json()
    assert answer["was_modified"] is True
    assert answer["package"]["website"] is None
    assert answer["package"]["tags"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"colour": "red"}, 400, "colour is not a known field"),
        ({"title": 5}, 400, "title must be a str"),
        ({"forums": "12"}, 400, "forums must be a int"),
        ({"tags": "food"}, 400, "tags must be a list"),
        ({"title": None}, 400, "title must not be null"),
        ({"license": "Nope"}, 400, "Unknown license Nope"),
        ({"content_warnings": ["bloody"]}, 400, "Unknown warning: bloody"),
        ({"type": "rock"}, 400, "type must be one of mod, game, txp"),
        (
            {"dev_state": "FINISHED"},
            400,
            "dev_state must be one of WIP, BETA, ACTIVELY_DEVELOPED, MAINTENANCE_ONLY, AS_IS, DEPRECATED, LOOKING_FOR_MAINTAINER",
        ),
        ({"repo": "ftp://example.org/x"}, 400, "repo must start with http:// or https://"),
        ({"issue_tracker": "https://exa mple.org"}, 400, "issue_tracker is not a valid URL"),
        ({"short_description": "x" * 201}, 400, "short_description must be at most 200 characters"),
        (
            {"website": "https://example.org/" + "x" * 200},
            400,
            "website must be at most 200 characters",
        ),
        (
            {"forum_url": "https://forum.luanti.org/viewtopic.php"},
            400,
            "Invalid forum_url - missing t",
        ),
        (
            {"desc": "a", "long_description": "b"},
            403,
            "Aliased field (desc) does not match new field (long_description)",
        ),
        ([1, 2], 400, "Expected a JSON object"),
    ],
)
def test_bad_put_is_refused_and_nothing_changes(client, token, mod_package, body, status, message):
    before = Package.objects.values().get(pk=mod_package.pk)
    response = put(client, token, {"title": "Changed", **body} if isinstance(body, dict) else body)
    assert response.status_code == status
    assert response.json() == {"success": False, "error": message}
    assert Package.objects.values().get(pk=mod_package.pk) == before
    assert not mod_package.tags.exists()


@pytest.mark.django_db
def test_put_checks_auth_in_contentdb_order(client, user, token, other_token, mod_package):
    assert put(client, token, {"title": "x"}, url="/api/packages/alice/nothing/").status_code == 404
    assert put(client, {}, {"title": "x"}).status_code == 401
    response = put(client, other_token, {"title": "x"})
    assert response.status_code == 403
    assert response.json()["error"] == "You don't have permission to edit this package"
    other = PackageFactory(author=user, name="other")
    _, secret = create_api_token(user=user, package=other)
    response = put(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, {"title": "x"})
    assert response.status_code == 403
    assert response.json()["error"] == "API token does not have access to the package"
    assert Package.objects.get(pk=mod_package.pk).title == "Farming"


@pytest.mark.django_db
def test_maintainer_and_editor_may_edit(client, other_user, other_token, mod_package):
    mod_package.maintainers.add(other_user)
    assert put(client, other_token, {"title": "By Bob"}).json()["was_modified"] is True
    editor = UserFactory(username="ed", rank=Rank.EDITOR)
    _, secret = create_api_token(user=editor)
    response = put(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, {"title": "By Ed"})
    assert response.json()["package"]["title"] == "By Ed"


@pytest.mark.django_db
def test_renaming_an_approved_package_needs_permission(client, token, mod_package):
    response = put(client, token, {"name": "farming_redo"})
    assert response.status_code == 403
    assert response.json()["error"] == "You don't have permission to change the package name"
    response = put(client, token, {"type": "game"})
    assert response.status_code == 403
    assert response.json()["error"] == "You cannot change package type once approved"
    assert Package.objects.get(pk=mod_package.pk).name == "farming"


@pytest.mark.django_db
def test_editor_rename_of_approved_package_keeps_an_alias(client, mod_package):
    editor = UserFactory(username="ed", rank=Rank.EDITOR)
    _, secret = create_api_token(user=editor)
    response = put(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, {"name": "farming_redo"})
    assert response.json()["package"]["name"] == "farming_redo"
    assert PackageAlias.objects.filter(package=mod_package, author="alice", name="farming").exists()


@pytest.mark.django_db
def test_wip_package_may_be_renamed_and_retyped_by_its_author(client, token, wip_mod):
    answer = put(
        client, token, {"name": "farming_redo", "type": "TXP", "media_license": "CC0-1.0"}
    ).json()
    assert answer["package"]["name"] == "farming_redo"
    assert answer["package"]["type"] == "txp"
    assert answer["package"]["license"] == "CC0-1.0"  # a texture pack has one license


@pytest.mark.django_db
def test_tags_accept_ids_and_names(client, token, mod_package):
    food = Tag.objects.get(name="food")
    answer = put(client, token, {"tags": [food.pk, "survival", "food"]}).json()
    assert answer["package"]["tags"] == ["food", "survival"]


@pytest.mark.django_db
def test_account_that_has_not_joined_cannot_create(client):
    newcomer = UserFactory(username="newcomer", rank=Rank.NOT_JOINED)
    _, secret = create_api_token(user=newcomer)
    response = create(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json()["error"] == "You do not have the permission to create packages"
    assert not Package.objects.filter(name="cooking").exists()
