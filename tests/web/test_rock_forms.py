"""Rockspec and rock upload forms and version deletion, through the same services as the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Rank
from packages.models import Package
from releases.models import FileKind, Release, ReleaseFile
from tests.factories import UserFactory
from tests.web.conftest import rockspec

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, filename: str = "webrock-1.0-1.rockspec"):
    return client.post("/upload/", {"rockspec_file": SimpleUploadedFile(filename, content)})


def test_upload_page_needs_a_login(client):
    response = client.get("/upload/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_uploading_a_rockspec_creates_the_module_and_shows_the_version(
    alice_client, user, settings
):
    response = upload(alice_client, rockspec())
    assert response.status_code == 302
    assert response["Location"] == "/modules/alice/webrock/1.0-1"
    package = Package.objects.get(author=user, name="webrock")
    assert package.releases.get().name == "1.0-1"
    page = alice_client.get("/modules/alice/webrock").content.decode()
    assert "1.0-1" in page
    assert f"luarocks install webrock --server={settings.SITE_URL}" in page
    version = alice_client.get(response["Location"]).content.decode()
    assert "package = &quot;webrock&quot;" in version  # the rockspec is shown, escaped
    assert "/manifests/alice/webrock-1.0-1.rockspec" in version


def test_a_broken_rockspec_is_an_error_next_to_the_field_and_nothing_is_stored(alice_client):
    response = upload(alice_client, b"package = ")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_rockspec_file_errors"' in body
    assert not Package.objects.exists() and not ReleaseFile.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'package = "webrock"\nversion = "1.0-1"\nx y = 1\n',
            "Failed to parse rockspec: [string &quot;rockspec&quot;]:3: &#x27;=&#x27; expected near &#x27;y&#x27;",
        ),
        (
            b'package = "webrock"\nversion = "1.0-1"\n\n\nx = ("a"):rep(5000):match(("a*"):rep(20) .. "b")\n',
            "Failed to eval rockspec: [string &quot;rockspec&quot;]:5: pattern too costly",
        ),
    ],
)
def test_the_form_shows_the_reason_and_the_line(alice_client, content, message, monkeypatch):
    from releases import rockspecs

    monkeypatch.setattr(rockspecs, "TIME_LIMIT", 3600.0)  # only the step budget may end it
    response = upload(alice_client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Package.objects.exists() and not ReleaseFile.objects.exists()


def test_an_empty_upload_is_refused(alice_client):
    response = alice_client.post("/upload/", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_an_oversized_upload_is_refused_before_the_service(alice_client, settings):
    settings.MAX_UPLOAD_SIZE = 100
    response = upload(alice_client, rockspec() + b"-- " + b"x" * 200)
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not Package.objects.exists()


def test_a_banned_user_cannot_upload(db):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="banned", rank=Rank.BANNED))
    assert client.get("/upload/").status_code == 403
    assert upload(client, rockspec()).status_code == 403
    assert not Package.objects.exists()


def test_a_suspended_users_session_ends(db):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="sus", is_suspended=True))
    assert upload(client, rockspec()).status_code == 302  # to the log-in page
    assert not Package.objects.exists()


@pytest.fixture
def uploaded(alice_client, user):
    upload(alice_client, rockspec())
    return Release.objects.get(package__name="webrock")


def test_owner_uploads_a_rock_for_the_version(alice_client, uploaded):
    rock = SimpleUploadedFile("webrock-1.0-1.src.rock", b"PK\x03\x04 fake rock")
    response = alice_client.post("/modules/alice/webrock/1.0-1", {"rock_file": rock})
    assert response.status_code == 302
    assert uploaded.files.filter(kind=FileKind.ROCK, arch="src").exists()
    page = alice_client.get("/modules/alice/webrock").content.decode()
    assert "/manifests/alice/webrock-1.0-1.src.rock" in page


def test_a_rock_of_another_version_is_an_error_next_to_the_field(alice_client, uploaded):
    rock = SimpleUploadedFile("webrock-2.0-1.src.rock", b"rock")
    response = alice_client.post("/modules/alice/webrock/1.0-1", {"rock_file": rock})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_rock_file_errors"' in body and "match version 1.0-1" in body
    assert not uploaded.files.filter(kind=FileKind.ROCK).exists()


def test_others_cannot_upload_rocks_or_delete_versions(bob_client, client, uploaded):
    rock = SimpleUploadedFile("webrock-1.0-1.src.rock", b"rock")
    assert bob_client.post("/modules/alice/webrock/1.0-1", {"rock_file": rock}).status_code == 403
    assert client.post("/modules/alice/webrock/1.0-1", {"rock_file": rock}).status_code == 403
    assert bob_client.get("/modules/alice/webrock/1.0-1/delete").status_code == 403
    assert (
        bob_client.post("/modules/alice/webrock/1.0-1/delete", {"confirm": "1.0-1"}).status_code
        == 403
    )
    assert Release.objects.filter(pk=uploaded.pk).exists()
    assert "Upload a rock" not in bob_client.get("/modules/alice/webrock/1.0-1").content.decode()


def test_an_editor_may_delete_anyones_version(uploaded):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="ed", rank=Rank.EDITOR))
    response = client.post("/modules/alice/webrock/1.0-1/delete", {"confirm": "1.0-1"})
    assert response.status_code == 302
    assert not Release.objects.filter(pk=uploaded.pk).exists()


def test_deleting_a_version_needs_the_version_retyped(alice_client, uploaded):
    response = alice_client.post("/modules/alice/webrock/1.0-1/delete", {"confirm": "1.0"})
    assert response.status_code == 400
    assert Release.objects.filter(pk=uploaded.pk).exists()
    response = alice_client.post("/modules/alice/webrock/1.0-1/delete", {"confirm": "1.0-1"})
    assert response.status_code == 302 and response["Location"] == "/modules/alice/webrock"
    assert not Release.objects.filter(pk=uploaded.pk).exists()


def test_unknown_version_is_404(client, uploaded):
    assert client.get("/modules/alice/webrock/9.9-1").status_code == 404
