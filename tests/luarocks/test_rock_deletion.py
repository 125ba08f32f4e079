"""Deleting rock versions and rocks: who may, and what disappears (rows, files, manifest entries)."""

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase

from packages.models import Package
from releases.deletion import delete_rock, delete_rock_version
from releases.errors import NotOwner
from releases.models import Release, ReleaseFile
from tests.luarocks.rockdata import publish


@pytest.fixture
def doomed(user):
    publish(user, "doomed", "1.0-1", rocks=("src",))
    return publish(user, "doomed", "2.0-1", rocks=("all",))


def stored_names() -> list[str]:
    return [f.file.name for f in ReleaseFile.objects.all()]


def test_a_stranger_may_delete_nothing_and_nothing_changes(client, doomed, other_user):
    names = stored_names()
    with pytest.raises(NotOwner), TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock_version(by=other_user, release=doomed.release)
    with pytest.raises(NotOwner), TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock(by=other_user, package=doomed.package)
    assert Release.objects.count() == 2
    assert all(default_storage.exists(name) for name in names)
    assert client.get("/doomed-2.0-1.all.rock").status_code == 200


def test_owner_deletes_a_version_rows_files_and_manifest_entry(client, user, doomed):
    client.get("/manifest-5.1")  # cached before the deletion
    old = Release.objects.get(name="1.0-1")
    old_files = [f.file.name for f in old.files.all()]
    kept_files = [f.file.name for f in doomed.release.files.all()]
    with TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock_version(by=user, release=old)
    assert list(Release.objects.values_list("name", flat=True)) == ["2.0-1"]
    assert not any(default_storage.exists(name) for name in old_files)
    assert all(default_storage.exists(name) for name in kept_files)
    assert client.get("/manifest-5.1.json").json()["repository"] == {
        "doomed": {"2.0-1": [{"arch": "rockspec"}, {"arch": "all"}]}
    }
    assert client.get("/doomed-1.0-1.src.rock").status_code == 404
    assert client.get("/manifests/alice/doomed-1.0-1.rockspec").status_code == 404


def test_moderator_deletes_a_whole_rock(client, doomed, moderator):
    names = stored_names()
    with TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock(by=moderator, package=doomed.package)
    assert not Package.objects.exists()
    assert not ReleaseFile.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    for url in ["/manifest-5.1.json", "/manifests/alice/manifest.json"]:
        assert client.get(url).json()["repository"] == {}


def test_a_deleted_rock_frees_its_root_name(client, user, other_user, doomed):
    publish(other_user, "doomed", "9.0-1")  # bob's copy stays out of root while alice holds it
    with TestCase.captureOnCommitCallbacks(execute=True):
        delete_rock(by=user, package=doomed.package)
    assert client.get("/manifest-5.1.json").json()["repository"] == {}
    assert client.get("/manifests/bob/manifest-5.1.json").json()["repository"] == {
        "doomed": {"9.0-1": [{"arch": "rockspec"}]}
    }
