"""One rule for writing and editing a review (links by new members wait for a moderator; issue 25
item 4), and protected tags only editors add or remove, through every entry point (item 5)."""

import pytest

from accounts.models import Rank
from packages.models import Package, Review, Tag
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db

PAGE = "/packages/owner/farming/"
API = "/api/packages/owner/farming/"
ADD_PROTECTED = "Unable to add protected tag Featured to package"  # ContentDB's message, 400


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def package(owner):
    package = PackageFactory(author=owner, name="farming", title="Farming")
    package.maintainers.add(owner)
    return package


def review(**overrides) -> dict:
    return {
        "rating": "positive",
        "title": "Lovely crops",
        "comment": "Grows wheat nicely.",
        **overrides,
    }


def test_editing_a_link_into_a_new_members_review_sends_it_back_to_moderation(
    client, web, make_user, package
):
    newbie = web(make_user("newbie", Rank.NEW_MEMBER))
    assert newbie.post(f"{PAGE}review/", review()).status_code == 302
    assert Review.objects.get().approved
    assert [r["title"] for r in client.get(f"{API}reviews/").json()] == ["Lovely crops"]
    edited = newbie.post(
        f"{PAGE}review/", review(comment="Better here: [get it](https://spam.example/)")
    )
    assert edited.status_code == 302
    stored = Review.objects.get()
    assert (stored.approved, stored.comment) == (
        False,
        "Better here: [get it](https://spam.example/)",
    )
    assert client.get(f"{API}reviews/").json() == []
    assert "spam.example" not in client.get(PAGE).content.decode()


def test_an_approved_review_keeps_its_approval_while_its_comment_is_unchanged(
    web, make_user, package
):
    newbie = web(make_user("newbie", Rank.NEW_MEMBER))
    newbie.post(f"{PAGE}review/", review(comment="Get it at https://example.org/ today"))
    stored = Review.objects.get()
    assert not stored.approved
    Review.objects.filter(pk=stored.pk).update(approved=True)  # as a moderator approved it
    newbie.post(
        f"{PAGE}review/", review(rating="neutral", comment="Get it at https://example.org/ today")
    )
    stored.refresh_from_db()
    assert (stored.rating, stored.approved) == (3, True)


def test_members_may_edit_links_in(web, make_user, package):
    member = web(make_user("member", Rank.MEMBER))
    member.post(f"{PAGE}review/", review())
    member.post(f"{PAGE}review/", review(comment="See https://example.org/"))
    assert Review.objects.get().approved


# protected tags -----------------------------------------------------------------------------------


@pytest.fixture
def featured(db):
    return Tag.objects.create(name="featured", title="Featured", is_protected=True)


def put(client, headers, body, url=API):
    return client.put(url, body, content_type="application/json", **headers)


def tags(package) -> list[str]:
    return sorted(package.tags.values_list("name", flat=True))


def test_an_author_cannot_add_a_protected_tag_through_put(client, bearer, owner, package, featured):
    response = put(client, bearer(owner), {"tags": ["featured", "food"]})
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": ADD_PROTECTED}
    assert tags(package) == []


def test_nor_when_creating_a_package(client, bearer, owner, featured):
    body = {
        "type": "mod",
        "name": "sneaky",
        "title": "Sneaky",
        "short_description": "Wants a star.",
        "license": "MIT",
        "media_license": "CC-BY-SA-4.0",
        "tags": ["featured"],
    }
    response = client.post("/api/packages/", body, content_type="application/json", **bearer(owner))
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": ADD_PROTECTED}
    assert not Package.objects.filter(name="sneaky").exists()


def test_nor_through_the_web_edit_form(web, owner, package, featured):
    data = {
        "type": "MOD",
        "name": "farming",
        "title": "Farming",
        "short_description": "Grows.",
        "license": "MIT",
        "media_license": "CC-BY-SA-4.0",
        "tags": ["featured"],
    }
    response = web(owner).post(f"{PAGE}edit/", data)
    assert response.status_code == 400
    assert ADD_PROTECTED in response.content.decode()
    assert tags(package) == []


def test_an_editor_adds_it_and_the_authors_edits_keep_it(
    client, bearer, make_user, owner, package, featured
):
    editor = make_user("ed", Rank.EDITOR)
    assert put(client, bearer(editor), {"tags": ["featured"]}).status_code == 200
    assert tags(package) == ["featured"]
    # the author's own tag list cannot hold the protected tag: it stays, as ContentDB keeps it
    response = put(client, bearer(owner), {"tags": ["food"]})
    assert response.status_code == 200
    assert sorted(response.json()["package"]["tags"]) == ["featured", "food"]
    assert tags(package) == ["featured", "food"]
    assert put(client, bearer(editor), {"tags": []}).status_code == 200
    assert tags(package) == []
