"""Ownership: a transfer leaves exactly the people the moderator chose, the old owner's package
tokens stop working, and moderators edit maintainers in the admin, audited (issue 25 item 1)."""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken, AuditLogEntry, Rank
from tests.factories import PackageFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

PACKAGES = reverse("admin:packages_package_changelist")


def act(client, action, *objs, **fields):
    data = {"action": action, "_selected_action": [o.pk for o in objs], **fields}
    return client.post(PACKAGES, data, follow=True)


@pytest.fixture
def people(make_user):
    return {
        "victim": make_user("victim"),
        "heir": make_user("heir"),
        "carol": make_user("carol"),
        "modo": make_user("modo", Rank.MODERATOR, is_staff=True),
    }


@pytest.fixture
def package(people):
    package = PackageFactory(author=people["victim"], name="shadowme", title="Shadow Me")
    package.maintainers.add(people["victim"], people["carol"])
    ReleaseFactory(package=package, name="1.0", title="1.0")
    return package


def usernames(package) -> set[str]:
    return set(package.maintainers.values_list("username", flat=True))


def checkboxes(page: str, name: str) -> dict[str, bool]:
    """value -> ticked, for the checkboxes called `name` on a page."""
    boxes = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return {re.search(r'value="([^"]*)"', b)[1]: " checked" in b for b in boxes}


def test_transfer_form_offers_the_maintainers_and_drops_the_old_owner_by_default(
    web, people, package
):
    page = act(web(people["modo"]), "transfer_ownership", package).content.decode()
    assert checkboxes(page, "keep") == {
        str(people["carol"].pk): True,
        str(people["victim"].pk): False,
    }


def test_a_transfer_leaves_exactly_the_chosen_people_and_kills_the_old_owners_tokens(
    client, web, bearer, people, package
):
    victim_scoped = bearer(people["victim"], package)
    victim_plain = bearer(people["victim"])
    carol_scoped = bearer(people["carol"], package)
    response = act(
        web(people["modo"]),
        "transfer_ownership",
        package,
        apply="1",
        new_owner="heir",
        keep=[people["carol"].pk],
    )
    assert "Transferred: 1." in [str(m) for m in response.context["messages"]]
    package.refresh_from_db()
    assert package.author == people["heir"]
    assert usernames(package) == {"heir", "carol"}
    # the old owner's token limited to the package is gone; carol's (kept) still works
    assert not ApiToken.objects.filter(user=people["victim"], package=package).exists()
    assert ApiToken.objects.filter(user=people["carol"], package=package).exists()
    url = "/api/packages/heir/shadowme/"
    for headers, error in (
        (victim_scoped, "Unknown API token"),  # deleted with the transfer
        (victim_plain, "You don't have permission to edit this package"),
    ):
        response = client.put(url, {"title": "Mine"}, content_type="application/json", **headers)
        assert (response.status_code, response.json()["error"]) == (403, error)
    response = client.put(url, {"title": "Ours"}, content_type="application/json", **carol_scoped)
    assert response.status_code == 200
    package.refresh_from_db()
    assert package.title == "Ours"
    entry = AuditLogEntry.objects.get(action="package.transfer")
    assert entry.causer == people["modo"]
    # the people besides the author, before and after: victim left, carol stayed
    assert entry.diff == {"author": ["victim", "heir"], "maintainers": ["carol, victim", "carol"]}
    deleted = AuditLogEntry.objects.get(action="api_token.delete")
    assert (deleted.causer, deleted.target_user) == (people["modo"], people["victim"])


def test_a_transfer_keeps_nobody_the_moderator_did_not_tick(client, web, people, package):
    act(web(people["modo"]), "transfer_ownership", package, apply="1", new_owner="heir")
    package.refresh_from_db()
    assert usernames(package) == {"heir"}


def test_the_old_owner_cannot_release_after_a_transfer(client, web, people, package):
    act(web(people["modo"]), "transfer_ownership", package, apply="1", new_owner="heir")
    old = web(people["victim"])
    assert old.get("/packages/heir/shadowme/releases/new/").status_code == 403
    assert old.get("/packages/heir/shadowme/edit/").status_code == 403


def test_moderators_edit_maintainers_in_the_admin_and_it_is_audited(
    client, web, bearer, people, package
):
    carol_scoped = bearer(people["carol"], package)
    modo = web(people["modo"])
    form = act(modo, "edit_maintainers", package)
    assert 'name="maintainers"' in form.content.decode()
    assert 'value="carol"' in form.content.decode()
    done = act(modo, "edit_maintainers", package, apply="1", maintainers="heir, NOBODY")
    assert "No user has the name NOBODY." in done.content.decode()
    assert usernames(package) == {"victim", "carol"}
    done = act(modo, "edit_maintainers", package, apply="1", maintainers="Heir")
    assert "Maintainers set: 1." in [str(m) for m in done.context["messages"]]
    assert usernames(package) == {"victim", "heir"}
    entry = AuditLogEntry.objects.get(action="package.maintainers")
    assert entry.causer == people["modo"]
    assert entry.diff == {"maintainers": ["carol", "heir"]}  # the author always stays
    assert not ApiToken.objects.filter(user=people["carol"], package=package).exists()
    response = client.put(
        "/api/packages/victim/shadowme/",
        {"title": "x"},
        content_type="application/json",
        **carol_scoped,
    )
    assert response.status_code == 403


def test_an_approver_may_not_edit_maintainers(web, make_user, people, package):
    approver = make_user("appro", Rank.APPROVER, is_staff=True)
    done = act(web(approver), "edit_maintainers", package, apply="1", maintainers="heir")
    assert usernames(package) == {"victim", "carol"}
    assert not AuditLogEntry.objects.filter(action="package.maintainers").exists()
    assert any("permission" in str(m) for m in done.context["messages"])


def test_maintainers_are_read_only_on_the_change_form(web, make_user, package):
    boss = make_user("boss", Rank.ADMIN, is_staff=True, is_superuser=True)
    page = web(boss).get(reverse("admin:packages_package_change", args=[package.pk]))
    assert page.status_code == 200
    assert b'name="maintainers"' not in page.content
