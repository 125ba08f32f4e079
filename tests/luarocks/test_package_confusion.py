"""A file URL answers with the file of exactly one (package, version, arch), the one its owner
published under that name (docs/security.md, "Package confusion").

Variants: a version with a hyphen before the revision (`e2e` `victim-1.0-1` against `e2e-victim`
`1.0-1`), for the rockspec, for a rock, under `/dev/` and under `/manifests/<user>/`; rows stored
before versions were checked (made here with the ORM, as the old upload code made them); case;
reserved and upper-case arches; a user name that PostgreSQL upper-cases like another one; and a
rockspec that looks for the server by a missing string function.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils.html import escape

from packages.models import Package, PackageType
from releases.models import FileKind, Release, ReleaseFile
from releases.rockspecs import INVALID_VERSION
from releases.storage import save_release_file
from tests.factories import UserFactory
from tests.luarocks.rockdata import publish, rockspec
from tests.luarocks.upload_support import Snapshot, upload, upload_rock_file

__all__ = ["upload", "upload_rock_file"]

pytestmark = pytest.mark.django_db

EVAL = "Failed to eval rockspec"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def bob(db):
    """bob signs up first: before the fix a root file went to the lowest author id."""
    return UserFactory(username="bob")


@pytest.fixture
def alice(bob):
    return UserFactory(username="alice")


def key_of(user) -> str:
    from accounts.services import create_api_key

    return create_api_key(user=user)[1]


def legacy_version(user, package_name: str, version: str, files: dict[str, bytes]) -> Release:
    """A rock version as the upload code stored it before versions were checked: its file names
    are `<package>-<version>...` whatever they collide with. The services refuse to make one now."""
    package, _ = Package.objects.get_or_create(
        author=user,
        type=PackageType.ROCK,
        name=package_name,
        defaults={"title": package_name, "state": "APPROVED"},
    )
    if not Package.objects.filter(name=package_name, in_root_manifest=True).exists():
        Package.objects.filter(pk=package.pk).update(in_root_manifest=True)
    release = Release.objects.create(package=package, name=version, title=version)
    for arch, content in files.items():
        kind = FileKind.ROCK if arch else FileKind.ROCKSPEC
        suffix = f".{arch}.rock" if arch else ".rockspec"
        with TestCase.captureOnCommitCallbacks(execute=True):
            save_release_file(
                release=release,
                kind=kind,
                filename=f"{package_name}-{version}{suffix}",
                content=content,
                arch=arch,
            )
    return release


# -- versions are what luarocks accepts ---------------------------------------------------------


@pytest.mark.parametrize(
    "version",
    ["victim-1.0-1", "1.0-beta-1", "1_0-1", "scm-dev-1", "phen-1.0-1", "a-b-c-1"],
)
def test_a_version_luarocks_refuses_is_refused(client, alice, upload, version):
    secret = key_of(alice)
    before = Snapshot()
    response = upload(secret, rockspec("e2e", version))
    assert response.status_code == 400
    assert response.json() == {"errors": [INVALID_VERSION]}
    before.assert_unchanged()


@pytest.mark.parametrize("version", ["1.0-1", "1.0RC1-1", "scm-1", "2.0.0-12", "0.1-0", ".5-1"])
def test_versions_luarocks_accepts_are_accepted(alice, upload, version):
    response = upload(key_of(alice), rockspec("e2e", version))
    assert response.status_code == 200, response.json()
    assert response.json()["version"]["rockspec_fname"] == f"e2e-{version}.rockspec"


def test_the_web_upload_form_refuses_the_same_versions(client, alice):
    client.force_login(alice)
    before = Snapshot()
    upload = SimpleUploadedFile("e2e-victim-1.0-1.rockspec", rockspec("e2e", "victim-1.0-1"))
    response = client.post("/upload/", {"rockspec_file": upload})
    assert response.status_code == 400
    assert escape(INVALID_VERSION) in response.content.decode()
    before.assert_unchanged()


def test_the_attack_is_refused_and_the_owner_file_is_served(client, alice, bob, upload):
    publish(alice, "e2e-victim", "1.0-1", summary="alice's", rocks=("all",))
    bob_key = key_of(bob)
    before = Snapshot()
    response = upload(bob_key, rockspec("e2e", "victim-1.0-1", summary="bob's"))
    assert response.json() == {"errors": [INVALID_VERSION]}
    before.assert_unchanged()
    assert b"alice's" in body(client.get("/e2e-victim-1.0-1.rockspec"))
    assert body(client.get("/e2e-victim-1.0-1.all.rock")) == b"rock e2e-victim 1.0-1 all"


# -- a file URL reads one way and serves one package's file -------------------------------------


@pytest.fixture
def shadowed(alice, bob):
    """alice's `e2e-victim` 1.0-1 and scm-1, and bob's older rows whose names collide with them."""
    publish(alice, "e2e-victim", "1.0-1", summary="alice's", rocks=("all",))
    publish(alice, "e2e-victim", "scm-1", summary="alice's dev")
    legacy_version(bob, "e2e", "victim-1.0-1", {"": b"bob's rockspec", "all": b"bob's rock"})
    legacy_version(bob, "e2e", "victim-scm-1", {"": b"bob's dev rockspec"})
    return alice


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/e2e-victim-1.0-1.rockspec", b"alice's"),
        ("/e2e-victim-1.0-1.all.rock", b"rock e2e-victim 1.0-1 all"),
        ("/dev/e2e-victim-1.0-1.rockspec", b"alice's"),
        ("/dev/e2e-victim-scm-1.rockspec", b"alice's dev"),
        ("/manifests/alice/e2e-victim-1.0-1.rockspec", b"alice's"),
        ("/manifests/alice/e2e-victim-1.0-1.all.rock", b"rock e2e-victim 1.0-1 all"),
    ],
)
def test_a_colliding_older_row_is_never_served_for_the_owner_name(client, shadowed, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    assert expected in body(response)
    assert b"bob's" not in body(response)


@pytest.mark.parametrize(
    "url",
    [
        "/manifests/bob/e2e-victim-1.0-1.rockspec",  # bob has no e2e-victim
        "/manifests/bob/e2e-victim-1.0-1.all.rock",
        "/manifests/bob/e2e-victim-scm-1.rockspec",
    ],
)
def test_a_colliding_row_is_not_served_under_its_own_owner_either(client, shadowed, url):
    assert client.get(url).status_code == 404


def test_inside_one_namespace_the_name_decides(client, alice):
    """alice holds a colliding older `e2e` (e.g. handed to her by a moderator) and `e2e-victim`."""
    legacy_version(alice, "e2e", "victim-1.0-1", {"": b"the older e2e row"})
    publish(alice, "e2e-victim", "1.0-1", summary="e2e-victim's own")
    for url in ["/manifests/alice/e2e-victim-1.0-1.rockspec", "/e2e-victim-1.0-1.rockspec"]:
        assert b"e2e-victim's own" in body(client.get(url)), url


def test_a_name_held_by_nobody_in_the_root_manifest_is_not_served_there(client, alice, bob):
    publish(bob, "solo", "1.0-1")
    Package.objects.filter(author=bob).update(in_root_manifest=False)
    assert client.get("/solo-1.0-1.rockspec").status_code == 404
    assert client.get("/manifests/bob/solo-1.0-1.rockspec").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/E2E-victim-1.0-1.rockspec",  # names are lowercase in every manifest
        "/e2e-victim-1.0-1.ALL.rock",
        "/e2e-victim-1.0rc1-1.rockspec",  # stored as 1.0RC1-1: one spelling, one URL
        "/e2e-victim-1.0RC1-1.src.rock",
        "/e2e-victim-1.0-1.rockspec.rock",
        "/e2e-victim-1.0-1.installed.rock",
        "/e2e-victim-1.0-1.all.rockspec",
        "/e2e-victim-1.0-01.rockspec",
    ],
)
def test_other_spellings_of_a_file_name_are_404(client, alice, url):
    publish(alice, "e2e-victim", "1.0-1", rocks=("all",))
    publish(alice, "e2e-victim", "1.0RC1-1")
    assert client.get(url).status_code == 404


# -- arches ---------------------------------------------------------------------------------------


@pytest.fixture
def release_id(alice, upload) -> int:
    return upload(key_of(alice), rockspec("foo", "1.0-1")).json()["version"]["id"]


def test_an_upper_case_arch_is_the_lower_case_arch(client, alice, release_id, upload_rock_file):
    secret = key_of(alice)
    first = upload_rock_file(secret, release_id, "foo-1.0-1.ALL.rock", b"one")
    assert first.status_code == 200
    assert first.json()["rock"]["arch"] == "all"
    again = upload_rock_file(secret, release_id, "foo-1.0-1.all.rock", b"two")
    assert again.json()["rock"]["revision"] == 2
    rock = ReleaseFile.objects.get(kind=FileKind.ROCK)
    assert (rock.arch, rock.filename, rock.file.read()) == ("all", "foo-1.0-1.all.rock", b"two")
    assert client.get("/manifest-5.1.json").json()["repository"]["foo"]["1.0-1"] == [
        {"arch": "rockspec"},
        {"arch": "all"},
    ]


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        (
            "foo-1.0-1.installed.rock",
            "Arch installed is reserved for rocks installed on the client",
        ),
        (
            "foo-1.0-1.INSTALLED.rock",
            "Arch installed is reserved for rocks installed on the client",
        ),
        ("foo-1.0-1.RockSpec.rock", "Arch rockspec is reserved for the rockspec itself"),
        ("\u212aoo-1.0-1.all.rock", "Filename must be in format `foo-VERSION.ARCH.rock`"),
    ],
)
def test_reserved_arches_are_refused(alice, release_id, upload_rock_file, filename, message):
    before = Snapshot()
    response = upload_rock_file(key_of(alice), release_id, filename)
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}
    before.assert_unchanged()


# -- the database holds the grammar too -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "arch", "filename"),
    [
        (FileKind.ROCKSPEC, "", "foo-1_0-1.rockspec"),
        (FileKind.ROCKSPEC, "", "foo-1.0.rockspec"),
        (FileKind.ROCKSPEC, "all", "foo-1.0-1.rockspec"),
        (FileKind.ROCK, "ALL", "foo-1.0-1.ALL.rock"),
        (FileKind.ROCK, "installed", "foo-1.0-1.installed.rock"),
        (FileKind.ROCK, "all", "foo-1.0-1.all.rock\n"),
        (FileKind.ROCK, "all", "Foo-1.0-1.all.rock"),
        (FileKind.ROCK, "all", "foo-1.0-1.all.rock.rock"),
        (FileKind.ROCKSPEC, "", "foo-1.0-1.rockspec.rock"),
    ],
)
def test_the_database_refuses_a_malformed_public_name(alice, kind, arch, filename):
    release = publish(alice, "foo", "1.0-1").release
    release = Release.objects.create(package=release.package, name="2.0-1")  # no files yet
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFile.objects.create(
            release=release, kind=kind, arch=arch, file="x", filename=filename, sha256="0" * 64
        )


@pytest.mark.parametrize(
    ("kind", "arch", "filename"),
    [
        (FileKind.ROCKSPEC, "", "foo-2.0-1.rockspec"),
        (FileKind.ROCK, "linux-x86_64", "foo-2.0-1.linux-x86_64.rock"),
        (FileKind.ZIP, "", "anything goes.zip"),
    ],
)
def test_the_database_takes_a_well_formed_public_name(alice, kind, arch, filename):
    release = publish(alice, "foo", "1.0-1").release
    release = Release.objects.create(package=release.package, name="2.0-1")
    ReleaseFile.objects.create(
        release=release, kind=kind, arch=arch, file="x", filename=filename, sha256="0" * 64
    )


# -- user names ----------------------------------------------------------------------------------


def test_a_user_name_that_upper_cases_like_another_is_another_user(client, bob):
    """PostgreSQL's UPPER('\u017fam') is 'SAM': `/manifests/sam/` must not reach the older
    "\u017fam" (long s). SQLite upper-cases ASCII only, so it holds there by construction."""
    impostor = UserFactory(username="\u017fam")
    sam = UserFactory(username="sam")
    publish(impostor, "tool", "1.0-1", summary="impostor's")
    publish(sam, "tool", "1.0-1", summary="sam's")
    assert b"sam's" in body(client.get("/manifests/sam/tool-1.0-1.rockspec"))
    assert b"sam's" in body(client.get("/manifests/SAM/tool-1.0-1.rockspec"))
    manifest = client.get("/manifests/sam/manifest-5.1.json")
    assert manifest.status_code == 200 and "tool" in manifest.json()["repository"]
    assert Release.objects.get(package__author=sam).files.get().downloads == 0


# -- the sandbox looks like the client to a rockspec ----------------------------------------------

LUA51_STRING_NAMES = [
    "byte",
    "char",
    "dump",
    "find",
    "format",
    "gfind",
    "gmatch",
    "gsub",
    "len",
    "lower",
    "match",
    "rep",
    "reverse",
    "sub",
    "upper",
]


def test_every_string_function_name_of_lua51_is_there(alice, upload):
    probes = "".join(
        f'if ("").{name} ~= nil then found = found .. "{name} " end\n'
        for name in LUA51_STRING_NAMES
    )
    content = (
        rockspec("probe", "1.0-1")
        + (
            'local found = ""\n' + probes + "description.detailed = found\n"
            'description.summary = (("").gfind == ("").gmatch) and "gfind is gmatch" or "apart"\n'
        ).encode()
    )
    response = upload(key_of(alice), content)
    assert response.status_code == 200, response.json()
    package = Package.objects.get(name="probe")
    assert package.long_description.split() == LUA51_STRING_NAMES
    assert package.short_description == "gfind is gmatch"  # as in Lua 5.1 (LUA_COMPAT_GFIND)


def test_a_rockspec_that_looks_for_a_missing_dump_sees_the_client_view(alice, upload):
    content = (
        b'if ("").dump == nil then package = "e2e" version = "victim-1.0-1"\n'
        b'else package = "e2e-victim" version = "1.0-1" end\n'
        b'source = { url = "https://example.org/x.tar.gz" }\n'
    )
    response = upload(key_of(alice), content)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["module"]["name"], answer["version"]["version_name"]) == ("e2e-victim", "1.0-1")


@pytest.mark.parametrize(
    "call",
    [
        'x = ("").dump(function() end)',
        'local f = ("").dump x = f(function() end)',
    ],
)
def test_string_dump_raises_when_called(alice, upload, call):
    before = Snapshot()
    response = upload(key_of(alice), rockspec("foo", "1.0-1") + call.encode())
    assert response.status_code == 400
    reason = "string.dump is not available in a rockspec"
    assert response.json() == {"errors": [f'{EVAL}: [string "rockspec"]:6: {reason}']}
    before.assert_unchanged()


def test_gfind_iterates_like_gmatch(alice, upload):
    content = rockspec("foo", "1.0-1") + (
        b'local parts = {} for w in ("a.b.c"):gfind("[^.]+") do parts[#parts + 1] = w end\n'
        b"description.labels = parts\n"
    )
    assert upload(key_of(alice), content).status_code == 200
    assert Package.objects.get(name="foo").labels == ["a", "b", "c"]
