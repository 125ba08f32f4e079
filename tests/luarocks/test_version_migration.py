"""Migration releases 0004: rows stored before the luarocks grammar was enforced.

The database is taken back to releases 0003 (no check constraint), rows are written as the old
upload code wrote them, and `migrate` runs forward, as it does on a deployed site.
"""

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from accounts.models import AuditLogEntry, AuditSeverity
from packages.models import Package, PackageType
from releases.models import FileKind, Release, ReleaseFile
from releases.storage import save_release_file
from tests.factories import PackageFactory, ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0003_release_task_id"


def old_version(user, name: str, version: str, arches: list[str]) -> Release:
    package, _ = Package.objects.get_or_create(
        author=user, type=PackageType.ROCK, name=name, defaults={"title": name, "state": "APPROVED"}
    )
    release = Release.objects.create(package=package, name=version, title=version)
    for arch in arches:
        suffix = f".{arch}.rock" if arch else ".rockspec"
        with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
            save_release_file(
                release=release,
                kind=FileKind.ROCK if arch else FileKind.ROCKSPEC,
                filename=f"{name}-{version}{suffix}",
                content=f"{name} {version} {arch}".encode(),
                arch=arch,
            )
    return release


@pytest.fixture
def old_rows():
    call_command("migrate", "releases", BEFORE, verbosity=0)
    yield
    call_command("migrate", verbosity=0)


def test_versions_luarocks_refuses_are_removed_with_an_audit_entry(old_rows):
    bob, alice = UserFactory(username="bob"), UserFactory(username="alice")
    evil = old_version(bob, "e2e", "victim-1.0-1", ["", "all"])
    old_version(bob, "e2e", "1.0-1", [""])
    old_version(alice, "foo", "1_0-1", [""])
    mixed = old_version(alice, "foo", "2.0-1", ["", "ALL", "Src", "src", "installed"])
    mod = ReleaseFactory(package=PackageFactory(author=alice, name="farming"), name="v1.0 beta")
    evil_files = {f.filename: (f.sha256, f.file.name) for f in evil.files.all()}

    call_command("migrate", verbosity=0)

    remaining = {
        (r.package.name, r.name): sorted((f.kind, f.arch, f.filename) for f in r.files.all())
        for r in Release.objects.filter(package__type=PackageType.ROCK)
    }
    assert remaining == {
        ("e2e", "1.0-1"): [(FileKind.ROCKSPEC, "", "e2e-1.0-1.rockspec")],
        ("foo", "2.0-1"): [
            (FileKind.ROCK, "all", "foo-2.0-1.all.rock"),
            (FileKind.ROCK, "src", "foo-2.0-1.src.rock"),
            (FileKind.ROCKSPEC, "", "foo-2.0-1.rockspec"),
        ],
    }
    assert ReleaseFile.objects.get(release=mixed, arch="src").file.read() == b"foo 2.0-1 src"
    assert Release.objects.get(pk=mod.pk).name == "v1.0 beta"  # Luanti releases are not rocks

    entries = AuditLogEntry.objects.filter(action="rock.version_removed").order_by("title")
    assert [(e.title, e.severity, e.target) for e in entries] == [
        ("Removed e2e victim-1.0-1: not a luarocks version", AuditSeverity.MODERATION, "bob/e2e"),
        ("Removed foo 1_0-1: not a luarocks version", AuditSeverity.MODERATION, "alice/foo"),
        ("Removed the Src rock of foo 2.0-1", AuditSeverity.MODERATION, "alice/foo"),
        ("Removed the installed rock of foo 2.0-1", AuditSeverity.MODERATION, "alice/foo"),
    ]
    evil_entry = entries.get(target="bob/e2e")
    for filename, (sha256, stored) in evil_files.items():
        assert filename in evil_entry.description
        assert sha256 in evil_entry.description
        assert default_storage.exists(stored)  # kept for a moderator to read


def test_a_file_name_that_disagrees_with_its_version_gets_the_right_one(old_rows, client):
    alice = UserFactory(username="alice")
    release = old_version(alice, "foo", "1.0RC1-1", ["", "all"])
    # as a version respelled on re-upload could leave them before rocks were renamed with it
    ReleaseFile.objects.filter(release=release, arch="").update(filename="foo-1.0rc1-1.rockspec")
    ReleaseFile.objects.filter(release=release, arch="all").update(filename="foo-1.0rc1-1.all.rock")

    call_command("migrate", verbosity=0)

    assert sorted(release.files.values_list("filename", flat=True)) == [
        "foo-1.0RC1-1.all.rock",
        "foo-1.0RC1-1.rockspec",
    ]
    assert client.get("/manifests/alice/foo-1.0RC1-1.all.rock").status_code == 200
    assert not AuditLogEntry.objects.exists()
