"""Luanti author forms over HTTP: permissions (403 for others), validation next to the field, and
the services' effects (rows, files, states)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import Rank
from packages.models import Package, PackageState, Screenshot
from releases.models import Release
from tests.factories import PackageFactory, ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/packages/alice/farming"


def package_data(**overrides) -> dict:
    return {
        "type": "MOD",
        "name": "new_mod",
        "title": "New Mod",
        "short_description": "Does new things.",
        "license": "MIT",
        "media_license": "CC-BY-SA-4.0",
        **overrides,
    }


def mod_zip(name: str = "farming") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{name}/mod.conf", f"name = {name}\n")
        archive.writestr(f"{name}/init.lua", "-- hi\n")
    return buffer.getvalue()


def png(width: int = 1280, height: int = 720) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def wip_package(user):
    return PackageFactory(
        author=user, name="farming", title="Farming", state=PackageState.WIP, approved_at=None
    )


def test_create_needs_a_login(client):
    assert client.get("/packages/new/").status_code == 302


def test_creating_a_package_makes_a_work_in_progress_with_every_field(alice_client, user):
    data = package_data(
        long_description="# Hi",
        dev_state="BETA",
        tags=["food"],
        repo="https://example.org/new_mod.git",
        forums="123",
    )
    from packages.models import Tag

    Tag.objects.get_or_create(name="food", defaults={"title": "Food"})
    response = alice_client.post("/packages/new/", data)
    assert response.status_code == 302 and response["Location"] == "/packages/alice/new_mod/"
    package = Package.objects.get(name="new_mod")
    assert package.state == PackageState.WIP and package.author == user
    assert package.dev_state == "BETA" and package.forums == 123
    assert package.repo == "https://example.org/new_mod.git"
    assert list(package.tags.values_list("name", flat=True)) == ["food"]
    assert package.license.name == "MIT"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Bad Name"),
        ("name", ""),
        ("title", ""),
        ("license", "NOT-A-LICENSE"),
        ("type", "ROCK"),
    ],
)
def test_invalid_fields_are_errors_next_to_the_field_and_the_rest_is_kept(
    alice_client, field, value
):
    response = alice_client.post("/packages/new/", package_data(**{field: value}))
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}_errors"' in body
    assert 'value="Does new things."' in body
    assert not Package.objects.exists()


def test_a_service_error_lands_on_its_field(alice_client):
    response = alice_client.post("/packages/new/", package_data(repo="ftp://example.org/x"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_repo_errors"' in body and "repo must start with http:// or https://" in body
    assert not Package.objects.exists()


def test_a_second_package_of_the_same_name_is_refused(alice_client, wip_package):
    response = alice_client.post("/packages/new/", package_data(name="farming"))
    assert response.status_code == 400
    assert "You already have a package called farming" in response.content.decode()


def test_a_banned_user_may_not_create(db):
    client = Client()
    client.force_login(UserFactory(username="banned", rank=Rank.BANNED))
    assert client.get("/packages/new/").status_code == 403
    assert client.post("/packages/new/", package_data()).status_code == 403


def test_editing_shows_the_current_values_and_saves(alice_client, mod_package):
    page = alice_client.get(f"{BASE}/edit/").content.decode()
    assert 'value="Farming"' in page
    data = package_data(name="farming", title="Farming Redux")
    response = alice_client.post(f"{BASE}/edit/", data)
    assert response.status_code == 302
    mod_package.refresh_from_db()
    assert mod_package.title == "Farming Redux"


@pytest.mark.parametrize("path", ["/edit/", "/releases/new/", "/screenshots/"])
def test_others_get_403_on_every_author_page(bob_client, mod_package, path):
    assert bob_client.get(BASE + path).status_code == 403
    assert bob_client.post(BASE + path, package_data(name="farming")).status_code == 403
    mod_package.refresh_from_db()
    assert mod_package.title == "Farming"


def test_an_editor_may_edit_anyones_package(mod_package):
    client = Client()
    client.force_login(UserFactory(username="ed", rank=Rank.EDITOR))
    response = client.post(f"{BASE}/edit/", package_data(name="farming", title="Edited"))
    assert response.status_code == 302
    mod_package.refresh_from_db()
    assert mod_package.title == "Edited"


def test_unknown_package_is_404(alice_client, db):
    assert alice_client.get("/packages/alice/nothing/edit/").status_code == 404


def test_uploading_a_release_zip(alice_client, mod_package):
    response = alice_client.post(
        f"{BASE}/releases/new/",
        {"source": "zip", "title": "1.0", "file": SimpleUploadedFile("farming.zip", mod_zip())},
    )
    assert response.status_code == 302
    release = Release.objects.get(package=mod_package)
    assert release.title == "1.0" and release.files.get().kind == "zip"


def test_a_broken_zip_is_an_error_next_to_the_file_and_keeps_the_title(alice_client, mod_package):
    response = alice_client.post(
        f"{BASE}/releases/new/",
        {
            "source": "zip",
            "title": "1.0",
            "release_notes": "Notes kept",
            "file": SimpleUploadedFile("farming.zip", b"not a zip"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_file_errors"' in body
    assert 'value="1.0"' in body and "Notes kept" in body
    assert not Release.objects.exists()


def test_a_zip_release_needs_a_file(alice_client, mod_package):
    response = alice_client.post(f"{BASE}/releases/new/", {"source": "zip", "title": "1.0"})
    assert response.status_code == 400
    assert "Choose a zip file to upload." in response.content.decode()


def test_a_git_import_without_a_repository_says_so_on_the_source(alice_client, mod_package):
    response = alice_client.post(f"{BASE}/releases/new/", {"source": "git", "title": "1.0"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_source_errors"' in body and "no repository URL" in body
    assert not Release.objects.exists()


def test_a_duplicate_release_title_is_an_error_on_the_title(alice_client, mod_package):
    ReleaseFactory(package=mod_package, name="1.0", title="1.0")
    response = alice_client.post(
        f"{BASE}/releases/new/",
        {"source": "zip", "title": "1.0", "file": SimpleUploadedFile("f.zip", mod_zip())},
    )
    assert response.status_code == 400
    assert 'id="id_title_errors"' in response.content.decode()


def test_deleting_a_release(alice_client, bob_client, wip_package):
    release = ReleaseFactory(package=wip_package)
    url = f"{BASE}/releases/{release.pk}/delete/"
    assert bob_client.post(url).status_code == 403
    assert alice_client.get(url).status_code == 405
    assert alice_client.post(url).status_code == 302
    assert not Release.objects.filter(pk=release.pk).exists()


def test_the_only_release_of_an_approved_package_stays(alice_client, mod_package):
    release = ReleaseFactory(package=mod_package)
    response = alice_client.post(f"{BASE}/releases/{release.pk}/delete/", follow=True)
    assert "make sure there&#x27;s a newer release available" in response.content.decode()
    assert Release.objects.filter(pk=release.pk).exists()


def upload_screenshot(client, title="Shot", content=None, **extra):
    data = {"title": title, "file": SimpleUploadedFile("s.png", content or png()), **extra}
    return client.post(f"{BASE}/screenshots/", data)


def test_screenshots_add_order_cover_delete(alice_client, wip_package):
    assert upload_screenshot(alice_client, "First", is_cover_image="on").status_code == 302
    assert upload_screenshot(alice_client, "Second").status_code == 302
    first, second = Screenshot.objects.order_by("order")
    assert first.is_cover_image
    page = alice_client.get(f"{BASE}/screenshots/").content.decode()
    assert 'alt="First"' in page and 'alt="Second"' in page

    alice_client.post(
        f"{BASE}/screenshots/order/", {f"position-{first.pk}": "2", f"position-{second.pk}": "1"}
    )
    assert [s.title for s in Screenshot.objects.order_by("order")] == ["Second", "First"]

    alice_client.post(f"{BASE}/screenshots/cover/", {"cover": str(second.pk)})
    second.refresh_from_db()
    assert second.is_cover_image

    alice_client.post(f"{BASE}/screenshots/delete/", {"screenshot": str(first.pk)})
    assert list(Screenshot.objects.values_list("title", flat=True)) == ["Second"]


def test_a_too_small_screenshot_is_an_error_next_to_the_file(alice_client, wip_package):
    response = upload_screenshot(alice_client, "Tiny", content=png(100, 100))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_file_errors"' in body and 'value="Tiny"' in body
    assert not Screenshot.objects.exists()


def test_others_cannot_change_screenshots(alice_client, bob_client, wip_package):
    upload_screenshot(alice_client, "Mine")
    shot = Screenshot.objects.get()
    assert (
        bob_client.post(f"{BASE}/screenshots/delete/", {"screenshot": shot.pk}).status_code == 403
    )
    assert bob_client.post(f"{BASE}/screenshots/cover/", {"cover": shot.pk}).status_code == 403
    assert Screenshot.objects.filter(pk=shot.pk, is_cover_image=False).exists()


def test_submit_for_review_needs_a_release(alice_client, wip_package):
    response = alice_client.post(f"{BASE}/submit/", follow=True)
    assert "needs a release before it can be reviewed" in response.content.decode()
    wip_package.refresh_from_db()
    assert wip_package.state == PackageState.WIP


def test_submit_for_review_puts_it_in_the_queue(alice_client, bob_client, wip_package):
    ReleaseFactory(package=wip_package)
    assert bob_client.post(f"{BASE}/submit/").status_code == 403
    assert alice_client.post(f"{BASE}/submit/").status_code == 302
    wip_package.refresh_from_db()
    assert wip_package.state == PackageState.READY_FOR_REVIEW


def test_author_pages_need_csrf(csrf_client, mod_package):
    response = csrf_client.post(f"{BASE}/edit/", package_data(name="farming", title="CSRF"))
    assert response.status_code == 403
    mod_package.refresh_from_db()
    assert mod_package.title == "Farming"
