"""End to end, with only HTTP and a token (plus the approval command): a CLI tool publishes a mod,
and a Luanti client finds, downloads and counts it."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.services import create_api_token
from packages.models import MetaPackage, PackageType
from releases.download_counts import flush_downloads
from tests.contentdb_writes.support import mod_zip, png_bytes
from tests.factories import PackageFactory, UserFactory

LUANTI = "Luanti/5.10.0 (Linux/6.1.0-18-amd64 x86_64)"
CLIENT_LIST = "/api/packages/?type=mod&type=game&type=txp&protocol_version=46&engine_version=5.10.0"


@pytest.mark.django_db
def test_author_publishes_a_mod_and_a_luanti_client_installs_it(django_capture_on_commit_callbacks):
    def committed():  # each write's on-commit work (cache generations, files) runs as in production
        return django_capture_on_commit_callbacks(execute=True)

    author = UserFactory(username="carol")
    _, secret = create_api_token(user=author, name="cli")
    cli = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    luanti = Client(HTTP_USER_AGENT=LUANTI)

    with committed():
        created = cli.post(
            "/api/packages/",
            {
                "type": "mod",
                "name": "cooking",
                "title": "Cooking",
                "short_description": "Cook food",
                "license": "MIT",
                "media_license": "CC-BY-SA-4.0",
            },
            content_type="application/json",
        )
    assert created.status_code == 201, created.content
    assert created.json()["package"]["state"] == "WIP"

    with committed():
        edited = cli.put(
            "/api/packages/carol/cooking/",
            {"short_description": "Cook all the food", "tags": ["food"], "dev_state": "BETA"},
            content_type="application/json",
        )
    assert edited.json()["was_modified"] is True

    content = mod_zip("cooking", conf="name = cooking\ndepends = default\n")
    PackageFactory(name="minetest_game", type=PackageType.GAME).provides.set(
        [MetaPackage.objects.get_or_create(name="default")[0]]
    )  # an approved provider of `default`: ContentDB fails a new mod's release without one
    with committed():
        released = cli.post(
            "/api/packages/carol/cooking/releases/new/",
            {"title": "1.0.0", "file": SimpleUploadedFile("cooking.zip", content)},
        )
    assert released.status_code == 200, released.content
    release_id = released.json()["release"]["id"]
    with committed():
        shot = cli.post(
            "/api/packages/carol/cooking/screenshots/new/",
            {"title": "Kitchen", "file": SimpleUploadedFile("kitchen.png", png_bytes())},
        )
    assert shot.status_code == 200

    assert luanti.get(CLIENT_LIST).json() == []  # not public before approval
    with committed():
        call_command("approve_package", "carol/cooking")

    listed = luanti.get(CLIENT_LIST).json()
    assert [(p["author"], p["name"], p["release"]) for p in listed] == [
        ("carol", "cooking", release_id)
    ]
    assert listed[0]["short_description"] == "Cook all the food"
    thumbnail = luanti.get(urlsplit(listed[0]["thumbnail"]).path)
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"

    downloaded = luanti.get(
        f"/packages/carol/cooking/releases/{release_id}/download/", {"reason": "new"}
    )
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == content

    flush_downloads()  # what the app servers do every few seconds
    stats = cli.get("/api/packages/carol/cooking/stats/").json()
    today = timezone.now().date().isoformat()
    assert stats["start"] == stats["end"] == today
    assert stats["platform_minetest"] == [1]
    assert stats["reason_new"] == [1]
    detail = cli.get("/api/packages/carol/cooking/").json()
    assert detail["downloads"] == 1
    assert detail["provides"] == ["cooking"]
