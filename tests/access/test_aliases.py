"""An old name (alias) reserves its key: after a transfer or a rename nobody creates or renames a
package into it, in either namespace and through any creation path, until a moderator releases it,
audited; reads, downloads and /api/updates/ resolve the key the same way (issue 25 item 2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditLogEntry, Rank
from accounts.services import create_api_key
from packages.aliases import RESERVED
from packages.models import Package, PackageAlias, PackageType
from packages.ownership import transfer_ownership
from tests.access.conftest import rockspec
from tests.factories import PackageFactory, ReleaseFactory, RockFactory

pytestmark = pytest.mark.django_db

NEW = {
    "type": "mod",
    "name": "shadowme",
    "title": "Shadow",
    "short_description": "Takes the old key.",
    "license": "MIT",
    "media_license": "CC-BY-SA-4.0",
}


@pytest.fixture
def people(make_user):
    return {
        "victim": make_user("victim"),
        "heir": make_user("heir"),
        "modo": make_user("modo", Rank.MODERATOR, is_staff=True),
    }


@pytest.fixture
def moved(people):
    """victim/shadowme, approved with a release, transferred to heir by a moderator."""
    package = PackageFactory(author=people["victim"], name="shadowme", title="Shadow Me")
    release = ReleaseFactory(package=package, name="1.0", title="1.0")
    release.files.create(kind="zip", filename="shadowme.zip", file="zips/x.zip", size=1)
    transfer_ownership(by=people["modo"], package=package, new_owner=people["heir"])
    package.refresh_from_db()
    return package


def reserved(key: str, target: str) -> str:
    return RESERVED.format(key=key, target=target)


def test_the_old_owner_cannot_create_a_package_under_the_old_key_through_the_api(
    client, bearer, people, moved
):
    response = client.post(
        "/api/packages/", NEW, content_type="application/json", **bearer(people["victim"])
    )
    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "error": reserved("victim/shadowme", "heir/shadowme"),
    }
    assert Package.objects.filter(name="shadowme").count() == 1


def test_nor_through_the_web_form(web, people, moved):
    data = {**NEW, "type": "MOD"}
    response = web(people["victim"]).post("/packages/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_name_errors"' in body
    assert reserved("victim/shadowme", "heir/shadowme") in body
    assert Package.objects.filter(name="shadowme").count() == 1


def test_nor_by_renaming_another_package_into_it(client, bearer, people, moved):
    PackageFactory(author=people["victim"], name="other", state="WIP", approved_at=None)
    response = client.put(
        "/api/packages/victim/other/",
        {"name": "shadowme"},
        content_type="application/json",
        **bearer(people["victim"]),
    )
    assert response.status_code == 403
    assert response.json()["error"] == reserved("victim/shadowme", "heir/shadowme")
    assert Package.objects.filter(author=people["victim"], name="other").exists()


def test_the_old_key_answers_for_the_moved_package_everywhere(client, people, moved):
    release = moved.releases.get()
    detail = client.get("/api/packages/victim/shadowme/")
    assert (detail.status_code, detail["Location"]) == (302, "/api/packages/heir/shadowme/")
    download = client.get("/packages/victim/shadowme/download/")
    assert (download.status_code, download["Location"]) == (
        302,
        "/packages/heir/shadowme/download/",
    )
    page = client.get("/packages/victim/shadowme/")
    assert (page.status_code, page["Location"]) == (302, "/packages/heir/shadowme/")
    assert client.get("/api/updates/").json() == {
        "heir/shadowme": release.pk,
        "victim/shadowme": release.pk,
    }


def test_a_package_already_squatting_an_alias_never_takes_its_answers(
    client, people, moved, on_commit
):
    # made before aliases reserved their key: the alias (the moderator's decision) still wins
    squatter = PackageFactory(author=people["victim"], name="shadowme", title="Squatter")
    ReleaseFactory(package=squatter, name="6.6.6", title="6.6.6")
    release = moved.releases.get()
    assert client.get("/api/packages/victim/shadowme/")["Location"] == (
        "/api/packages/heir/shadowme/"
    )
    assert client.get("/packages/victim/shadowme/download/")["Location"] == (
        "/packages/heir/shadowme/download/"
    )
    assert client.get("/api/updates/").json() == {
        "heir/shadowme": release.pk,
        "victim/shadowme": release.pk,
    }


def test_a_moderator_releases_the_alias_in_the_admin_then_the_name_is_free(
    client, web, bearer, people, moved
):
    alias = PackageAlias.objects.get()
    changelist = reverse("admin:packages_packagealias_changelist")
    modo = web(people["modo"])
    form = modo.post(changelist, {"action": "release_aliases", "_selected_action": [alias.pk]})
    assert 'name="reason"' in form.content.decode()
    modo.post(
        changelist,
        {
            "action": "release_aliases",
            "_selected_action": [alias.pk],
            "apply": "1",
            "reason": "old owner asked, new owner agreed",
        },
    )
    assert not PackageAlias.objects.exists()
    entry = AuditLogEntry.objects.get(action="package.alias_release")
    assert (entry.causer, entry.package) == (people["modo"], moved)
    assert entry.description == "old owner asked, new owner agreed"
    response = client.post(
        "/api/packages/", NEW, content_type="application/json", **bearer(people["victim"])
    )
    assert response.status_code == 201


def test_nobody_below_moderator_releases_an_alias(web, make_user, people, moved):
    editor = make_user("ed", Rank.EDITOR, is_staff=True)
    alias = PackageAlias.objects.get()
    web(editor).post(
        reverse("admin:packages_packagealias_changelist"),
        {"action": "release_aliases", "_selected_action": [alias.pk], "apply": "1"},
    )
    assert PackageAlias.objects.filter(pk=alias.pk).exists()


def test_aliases_cannot_be_added_or_edited_in_the_admin(web, make_user, moved):
    boss = make_user("boss", Rank.ADMIN, is_staff=True, is_superuser=True)
    client = web(boss)
    assert client.get(reverse("admin:packages_packagealias_add")).status_code == 403
    page = client.get(reverse("admin:packages_package_change", args=[moved.pk])).content
    assert b"aliases-0-name" not in page and b"aliases-__prefix__" not in page


def test_transferring_back_to_the_old_owner_moves_the_alias(people, moved):
    transfer_ownership(by=people["modo"], package=moved, new_owner=people["victim"])
    assert list(PackageAlias.objects.values_list("author", "name")) == [("heir", "shadowme")]


def test_a_transfer_into_a_key_another_package_reserves_is_refused(people, moved):
    from packages.errors import PackageNameTaken

    other = PackageFactory(author=people["modo"], name="shadowme")
    with pytest.raises(PackageNameTaken):
        transfer_ownership(by=people["modo"], package=other, new_owner=people["victim"])
    other.refresh_from_db()
    assert other.author == people["modo"]


# rocks: their own namespace ---------------------------------------------------------------------


@pytest.fixture
def moved_rock(people):
    rock = RockFactory(author=people["victim"], name="shadowrock", title="shadowrock")
    ReleaseFactory(package=rock, name="1.0-1", title="1.0-1")
    transfer_ownership(by=people["modo"], package=rock, new_owner=people["heir"])
    return rock


def test_a_transferred_rock_reserves_its_old_key_against_luarocks_upload(
    client, people, moved_rock
):
    _, secret = create_api_key(user=people["victim"])
    response = client.post(
        f"/api/1/{secret}/upload",
        {"rockspec_file": SimpleUploadedFile("shadowrock-2.0-1.rockspec", rockspec("shadowrock"))},
    )
    assert response.status_code == 403
    assert response.json() == {"errors": [reserved("victim/shadowrock", "heir/shadowrock")]}
    assert Package.objects.filter(name="shadowrock").count() == 1


def test_and_against_the_web_upload_form(web, people, moved_rock):
    response = web(people["victim"]).post(
        "/upload/",
        {"rockspec_file": SimpleUploadedFile("shadowrock-2.0-1.rockspec", rockspec("shadowrock"))},
    )
    assert response.status_code == 400
    assert reserved("victim/shadowrock", "heir/shadowrock") in response.content.decode()
    assert Package.objects.filter(name="shadowrock").count() == 1


def test_the_rocks_old_module_page_redirects(client, moved_rock):
    response = client.get("/modules/victim/shadowrock")
    assert (response.status_code, response["Location"]) == (302, "/modules/heir/shadowrock")


def test_a_rock_alias_does_not_reserve_the_luanti_name(client, bearer, people, moved_rock):
    response = client.post(
        "/api/packages/",
        {**NEW, "name": "shadowrock"},
        content_type="application/json",
        **bearer(people["victim"]),
    )
    assert response.status_code == 201
    assert Package.objects.get(name="shadowrock", author=people["victim"]).type == PackageType.MOD
