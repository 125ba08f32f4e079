"""POST .../releases/new/ from a zip, DELETE .../releases/<id>/ (docs/protocols/contentdb.md "Releases")."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import create_api_token
from packages.models import PackageDependency, PackageType
from releases.models import FileKind, Release, ReleaseFile
from tests.contentdb_writes.support import (
    bomb_zip,
    lying_size_zip,
    many_entries_zip,
    media_files,
    mod_zip,
    symlink_zip,
    zip_bytes,
)
from tests.factories import PackageFactory

URL = "/api/packages/alice/farming/releases/new/"


def upload(client, headers, content: bytes, *, filename="farming.zip", **fields):
    data = {"title": "1.0.0", **fields, "file": SimpleUploadedFile(filename, content)}
    return client.post(URL, data, **headers)


@pytest.mark.django_db
def test_zip_release_is_stored_approved_and_describes_the_mod(client, token, wip_mod):
    content = mod_zip(
        conf="name = farming\ndepends = default, bucket\noptional_depends = mobs\n"
        "min_minetest_version = 5.4\n"
    )
    response = upload(
        client,
        token,
        content,
        release_notes="first\r\nrelease",
        commit="8EF74DEEC170A8CE789F6055A59D43876D16A7EA",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    release = Release.objects.get()
    assert body["success"] is True
    assert body["task"] == f"/tasks/{release.task_id}/"
    assert body["release"]["id"] == release.pk
    assert body["release"]["title"] == "1.0.0"
    assert body["release"]["release_notes"] == "first\nrelease"
    assert body["release"]["commit"] == "8ef74deec170a8ce789f6055a59d43876d16a7ea"
    assert body["release"]["size"] == len(content)
    assert body["release"]["min_minetest_version"]["name"] == "5.4"
    assert release.approved is True
    stored = ReleaseFile.objects.get(release=release, kind=FileKind.ZIP)
    with stored.file.open("rb") as handle:
        assert handle.read() == content
    assert list(wip_mod.provides.values_list("name", flat=True)) == ["farming"]
    deps = {(d.meta_package.name, d.is_optional) for d in PackageDependency.objects.all()}
    assert deps == {("default", False), ("bucket", False), ("mobs", True)}
    assert client.get(body["task"]).json() == {
        "id": str(release.task_id),
        "status": "SUCCESS",
        "result": {"release": release.pk},
    }


@pytest.mark.django_db
def test_zip_with_content_at_the_root_is_accepted(client, token, wip_mod):
    response = upload(client, token, mod_zip(top=""))
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_modpack_provides_every_mod_and_needs_only_outside_dependencies(client, token, wip_mod):
    content = zip_bytes(
        {
            "farming/modpack.conf": "name = farming\n",
            "farming/farming_core/init.lua": "",
            "farming/farming_core/mod.conf": "name = farming_core\ndepends = default\n",
            "farming/farming_plus/init.lua": "",
            "farming/farming_plus/mod.conf": "name = farming_plus\ndepends = farming_core\n",
            "farming/LICENSE.md": "MIT\n",
        }
    )
    assert upload(client, token, content).status_code == 200
    assert sorted(wip_mod.provides.values_list("name", flat=True)) == [
        "farming_core",
        "farming_plus",
    ]
    assert [d.meta_package.name for d in PackageDependency.objects.all()] == ["default"]


@pytest.mark.django_db
def test_game_release_needs_a_mods_folder_and_provides_its_mods(client, user, token):
    PackageFactory(author=user, name="farming", type=PackageType.GAME)
    content = zip_bytes(
        {
            "farming/game.conf": "title = Farming Game\n",
            "farming/mods/crops/init.lua": "",
            "farming/mods/crops/mod.conf": "name = crops\n",
        }
    )
    assert upload(client, token, content).status_code == 200
    no_mods = zip_bytes({"farming/game.conf": "title = Farming Game\n"})
    response = upload(client, token, no_mods, title="2.0.0")
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "A game must have a mods folder"}


HOSTILE = {
    "not a zip": (b"this is not a zip at all", "The file is not a valid zip archive"),
    "zip bomb": (bomb_zip, "expands more than 100 times; zip bombs are refused"),
    "parent path": (
        lambda: zip_bytes({"farming/init.lua": "", "farming/../../evil.lua": "x"}),
        "The zip contains an unsafe path: 'farming/../../evil.lua'",
    ),
    "absolute path": (
        lambda: zip_bytes({"/etc/cron.d/evil": "x", "farming/init.lua": ""}),
        "The zip contains an absolute path: '/etc/cron.d/evil'",
    ),
    "symlink": (symlink_zip, "The zip contains a symbolic link: 'farming/passwd'"),
    "100k entries": (many_entries_zip, "The zip has more than 20000 entries"),
    "lying sizes": (lying_size_zip, "The zip's content is larger than 300 MiB unpacked"),
    "duplicate names": (
        lambda: zip_bytes({"farming/init.lua": "", "farming/mod.conf": "name = farming\n"}).replace(
            b"farming/init.lua", b"farming/mod.conf"
        ),
        "The zip contains 'farming/mod.conf' twice",
    ),
    "wrong conf": (
        lambda: zip_bytes({"farming/game.conf": "title = x\n", "farming/mods/a/init.lua": ""}),
        "Expected a mod or modpack, found a game",
    ),
    "no content": (
        lambda: zip_bytes({"README.md": "hi", "docs/x.txt": "", "src/y.lua": ""}),
        "Expected a mod or modpack, but no mod.conf/modpack.conf (or init.lua for a mod) was "
        "found at the zip's root or in its single top folder",
    ),
    "name mismatch": (
        lambda: mod_zip(conf="name = cooking\n"),
        "Package name (farming) does not match the name of the content in the release (cooking); "
        "set name = farming in mod.conf",
    ),
    "broken conf": (
        lambda: mod_zip(conf="name = farming\nthis line has no equals sign\n"),
        "farming/mod.conf, line 2: expected key = value",
    ),
    "reserved dependency": (
        lambda: mod_zip(conf="name = farming\ndepends = core\n"),
        "farming/mod.conf: depends entry 'core' is a name reserved by Luanti",
    ),
    "bzip2 entries": (
        lambda: zip_bytes(
            {"farming/init.lua": "", "farming/mod.conf": "name = farming\n"},
            method=zipfile.ZIP_BZIP2,
        ),
        "'farming/init.lua' uses a compression method Luanti cannot read (use deflate)",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_zip_is_refused_and_nothing_is_stored(client, token, wip_mod, case):
    make, message = HOSTILE[case]
    content = make() if callable(make) else make
    before = media_files()
    response = upload(client, token, content)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False
    assert message in body["error"]
    assert not Release.objects.exists()
    assert not ReleaseFile.objects.exists()
    assert not wip_mod.provides.exists()
    assert media_files() == before


@pytest.mark.django_db
def test_damaged_entry_message_names_the_entry(client, token, wip_mod):
    content = zip_bytes(
        {"farming/init.lua": "print('hello')", "farming/mod.conf": "name = farming\n"},
        method=zipfile.ZIP_STORED,
    )
    response = upload(client, token, content.replace(b"print('hello')", b"print('HELLO')"))
    assert response.json()["error"] == "'farming/init.lua' in the zip is damaged"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "filename", "status", "message"),
    [
        ({"title": ""}, "farming.zip", 400, "name is required in the POST data"),
        (
            {"commit": "abc"},
            "farming.zip",
            400,
            "Invalid commit hash; it must be a 40 character long base16 string",
        ),
        ({}, "farming.tar.gz", 400, "Please upload a zip file"),
        ({"title": "x" * 101}, "farming.zip", 400, "title must be at most 100 characters"),
        (
            {"release_notes": "x" * 10_001},
            "farming.zip",
            400,
            "release_notes must be at most 10000 characters",
        ),
        (
            {"min_minetest_version": "4.0"},
            "farming.zip",
            400,
            "min_minetest_version: Luanti 4.0 is not a known Luanti version",
        ),
    ],
)
def test_bad_release_fields_are_refused(client, token, wip_mod, fields, filename, status, message):
    response = upload(client, token, mod_zip(), filename=filename, **fields)
    assert response.status_code == status
    assert response.json() == {"success": False, "error": message}
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_no_file_and_no_method_is_refused(client, token, wip_mod):
    response = client.post(URL, {"title": "1.0"}, content_type="application/json", **token)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "Unknown release-creation method. Specify the method or provide a file."
    )


@pytest.mark.django_db
def test_release_writes_check_auth_in_contentdb_order(
    client, user, other_user, token, other_token, wip_mod
):
    assert upload(client, {}, mod_zip()).json() == {
        "success": False,
        "error": "Authentication needed",
    }
    assert upload(client, {}, mod_zip()).status_code == 401
    response = upload(client, other_token, mod_zip())
    assert response.status_code == 403
    assert response.json()["error"] == "You do not have the permission to approve releases"
    other = PackageFactory(author=user, name="other")
    _, secret = create_api_token(user=user, package=other)
    response = upload(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}, mod_zip())
    assert response.status_code == 403
    assert response.json()["error"] == "API token does not have access to the package"
    assert client.post("/api/packages/alice/nothing/releases/new/", **token).status_code == 404
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_duplicate_release_name_is_refused(client, token, wip_mod):
    assert upload(client, token, mod_zip()).status_code == 200
    response = upload(client, token, mod_zip())
    assert response.status_code == 403
    assert response.json()["error"] == "A release with this name already exists"
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_sixth_release_in_five_minutes_is_rate_limited(client, token, wip_mod):
    for number in range(5):
        assert upload(client, token, mod_zip(), title=f"1.{number}").status_code == 200
    response = upload(client, token, mod_zip(), title="1.9")
    assert response.status_code == 429


@pytest.mark.django_db
def test_delete_release_removes_row_and_file(
    client, token, wip_mod, django_capture_on_commit_callbacks
):
    release_id = upload(client, token, mod_zip()).json()["release"]["id"]
    stored = ReleaseFile.objects.get().file.name
    assert stored in media_files()
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        response = client.delete(f"/api/packages/alice/farming/releases/{release_id}/", **token)
        assert stored in media_files()
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert not Release.objects.exists()
    assert stored not in media_files()


@pytest.mark.django_db
def test_newest_release_of_an_approved_package_cannot_be_deleted(client, token, mod_package):
    first = upload(client, token, mod_zip()).json()["release"]["id"]
    second = upload(client, token, mod_zip(), title="2.0").json()["release"]["id"]
    url = "/api/packages/alice/farming/releases/{}/"
    response = client.delete(url.format(second), **token)
    assert response.status_code == 403
    assert response.json()["error"] == (
        "Unable to delete the release, make sure there's a newer release available"
    )
    assert client.delete(url.format(first), **token).status_code == 200
    assert list(Release.objects.values_list("pk", flat=True)) == [second]


@pytest.mark.django_db
def test_delete_checks_release_first_then_auth(client, token, other_token, wip_mod):
    url = "/api/packages/alice/farming/releases/{}/"
    assert client.delete(url.format(999)).status_code == 404
    release_id = upload(client, token, mod_zip()).json()["release"]["id"]
    assert client.delete(url.format(release_id)).status_code == 401
    assert client.delete(url.format(release_id), **other_token).status_code == 403
    assert Release.objects.filter(pk=release_id).exists()


def test_zip_bytes_helper_round_trips():
    names = zipfile.ZipFile(io.BytesIO(mod_zip())).namelist()
    assert names == [
        "farming/init.lua",
        "farming/mod.conf",
        "farming/textures/farming_seed.png",
        "farming/LICENSE.txt",
    ]
