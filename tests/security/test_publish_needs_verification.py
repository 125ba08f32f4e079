"""An account publishes nothing until its email address is verified (finding 13 of issue 16):
every face refuses in its own format with the same message, and nothing is stored; after the
link is opened the same request goes through."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import create_api_key, create_api_token
from accounts.verification import EMAIL_NOT_VERIFIED, verification_link
from packages.models import Package, PackageState, Screenshot
from releases.models import Release
from tests.contentdb_writes.support import mod_zip, png_bytes
from tests.factories import PackageFactory, UserFactory
from tests.luarocks.upload_support import Snapshot, rockspec_file, rockspec_text

pytestmark = pytest.mark.django_db

NEW_MOD = {
    "type": "Mod",
    "name": "cooking",
    "title": "Cooking",
    "short_description": "Cook food",
    "license": "mit",
    "media_license": "CC-BY-SA-4.0",
}


@pytest.fixture
def newcomer(db):
    """Signed up, address not verified yet, with a mod made before (e.g. an admin gave it)."""
    return UserFactory(username="newcomer", verified_email="")


@pytest.fixture
def mod(newcomer):
    return PackageFactory(author=newcomer, name="farming", state=PackageState.WIP, approved_at=None)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='ci')[1]}"}


def test_luarocks_upload_of_a_new_rock_is_403_in_luarocks_format(client, newcomer):
    key = create_api_key(user=newcomer)[1]
    before = Snapshot()
    response = client.post(
        f"/api/1/{key}/upload", {"rockspec_file": rockspec_file(rockspec_text())}
    )
    assert response.status_code == 403
    assert response.json() == {"errors": [EMAIL_NOT_VERIFIED]}
    before.assert_unchanged()


def test_luarocks_upload_of_a_new_version_is_403_too(client, newcomer):
    key = create_api_key(user=newcomer)[1]
    newcomer.verified_email = newcomer.email  # verified when the rock was first published...
    newcomer.save()
    assert (
        client.post(
            f"/api/1/{key}/upload", {"rockspec_file": rockspec_file(rockspec_text())}
        ).status_code
        == 200
    )
    newcomer.email = "new@example.org"  # ...then the address changed, unverified again
    newcomer.save()
    response = client.post(
        f"/api/1/{key}/upload",
        {"rockspec_file": rockspec_file(rockspec_text(version="2.0-1"), "foo-2.0-1.rockspec")},
    )
    assert response.status_code == 403
    assert response.json() == {"errors": [EMAIL_NOT_VERIFIED]}
    assert list(Release.objects.values_list("name", flat=True)) == ["1.0-1"]


def test_luarocks_rock_upload_to_an_own_version_is_403_with_the_reason(client, newcomer):
    key = create_api_key(user=newcomer)[1]
    newcomer.verified_email = newcomer.email
    newcomer.save()
    client.post(f"/api/1/{key}/upload", {"rockspec_file": rockspec_file(rockspec_text())})
    release = Release.objects.get()
    newcomer.verified_email = ""
    newcomer.save()
    response = client.post(
        f"/api/1/{key}/upload_rock/{release.pk}",
        {"rock_file": SimpleUploadedFile("foo-1.0-1.all.rock", b"PK\x03\x04 a rock")},
    )
    assert response.status_code == 403
    assert response.json() == {"errors": [EMAIL_NOT_VERIFIED]}
    assert release.files.count() == 1  # the rockspec only


def test_contentdb_package_creation_is_403_in_contentdb_format(client, newcomer):
    response = client.post(
        "/api/packages/", NEW_MOD, content_type="application/json", **bearer(newcomer)
    )
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": EMAIL_NOT_VERIFIED}
    assert not Package.objects.filter(name="cooking").exists()


def test_contentdb_release_and_screenshot_are_403(client, newcomer, mod):
    headers = bearer(newcomer)
    release = client.post(
        "/api/packages/newcomer/farming/releases/new/",
        {"title": "1.0.0", "file": SimpleUploadedFile("farming.zip", mod_zip())},
        **headers,
    )
    assert release.status_code == 403
    assert release.json() == {"success": False, "error": EMAIL_NOT_VERIFIED}
    shot = client.post(
        "/api/packages/newcomer/farming/screenshots/new/",
        {"title": "A field", "file": SimpleUploadedFile("shot.png", png_bytes())},
        **headers,
    )
    assert shot.status_code == 403
    assert shot.json() == {"success": False, "error": EMAIL_NOT_VERIFIED}
    assert not Release.objects.exists() and not Screenshot.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/packages/new/", "/upload/", "/packages/newcomer/farming/releases/new/",
     "/packages/newcomer/farming/screenshots/"],
)  # fmt: skip
def test_web_forms_say_why_they_refuse(newcomer, mod, path):
    client = Client()
    client.force_login(newcomer)
    for response in (client.get(path), client.post(path, {"title": "x"})):
        assert response.status_code == 403
        assert EMAIL_NOT_VERIFIED in response.content.decode()
    assert Package.objects.count() == 1 and not Release.objects.exists()


def test_the_profile_page_says_the_address_waits_for_verification(newcomer):
    client = Client()
    client.force_login(newcomer)
    body = client.get("/settings/profile/").content.decode()
    assert "is not verified yet" in body and "Send the link again" in body


def test_once_verified_the_same_requests_publish(client, newcomer, mod, settings):
    path = verification_link(user=newcomer).removeprefix(settings.SITE_URL)
    assert client.post(path).status_code == 302  # the mailed link (tests/web/test_sign_up_rules.py)
    response = client.post(
        "/api/packages/", NEW_MOD, content_type="application/json", **bearer(newcomer)
    )
    assert response.status_code == 201
    key = create_api_key(user=newcomer)[1]
    upload = client.post(f"/api/1/{key}/upload", {"rockspec_file": rockspec_file(rockspec_text())})
    assert upload.status_code == 200
