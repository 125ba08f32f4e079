"""POST .../releases/new/ with method=git: a real `git` clones a local repository in a task."""

import io
import zipfile

import pytest

from releases.models import Release, ReleaseFile, TaskState
from tests.contentdb_writes.git_servers import git
from tests.contentdb_writes.support import media_files

URL = "/api/packages/alice/farming/releases/new/"


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "farming"
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    (path / "init.lua").write_text("print('v1')\n")
    (path / "mod.conf").write_text("name = farming\ndepends = default\n")
    (path / "LICENSE.txt").write_text("MIT\n")
    git("add", ".", cwd=path)
    git("commit", "-q", "-m", "v1", cwd=path)
    first = git("rev-parse", "HEAD", cwd=path)
    git("tag", "v1.0", cwd=path)
    (path / "init.lua").write_text("print('v2')\n")
    git("commit", "-q", "-am", "v2", cwd=path)
    return path, first


@pytest.fixture
def git_mod(wip_mod, repo, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    wip_mod.repo = f"file://{repo[0]}"
    wip_mod.save()
    return wip_mod


def post_git(client, token, **fields):
    return client.post(URL, {"method": "git", **fields}, content_type="application/json", **token)


def zip_names_and_init(release: Release) -> tuple[list[str], bytes]:
    with ReleaseFile.objects.get(release=release).file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return sorted(archive.namelist()), archive.read("farming/init.lua")


@pytest.mark.django_db
def test_git_release_of_default_branch_is_imported(
    client, token, git_mod, repo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_git(client, token, ref="", title="2.0.0")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["release"]["title"] == "2.0.0"
    release = Release.objects.get()
    assert release.task_state == TaskState.DONE
    assert release.approved is True
    assert release.commit == git("rev-parse", "HEAD", cwd=repo[0])
    names, init = zip_names_and_init(release)
    assert names == [
        "farming/",
        "farming/LICENSE.txt",
        "farming/init.lua",
        "farming/mod.conf",
    ]  # no .git
    assert init == b"print('v2')\n"
    assert list(git_mod.provides.values_list("name", flat=True)) == ["farming"]
    assert client.get(body["task"]).json()["status"] == "SUCCESS"


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["v1.0", "first-commit"])
def test_git_release_of_a_tag_or_commit(
    client, token, git_mod, repo, ref, django_capture_on_commit_callbacks
):
    ref = repo[1] if ref == "first-commit" else ref
    with django_capture_on_commit_callbacks(execute=True):
        assert post_git(client, token, ref=ref, title="1.0.0").status_code == 200
    release = Release.objects.get()
    assert release.task_state == TaskState.DONE, release.task_error
    assert release.commit == repo[1]
    assert zip_names_and_init(release)[1] == b"print('v1')\n"


@pytest.mark.django_db
def test_release_is_pending_until_the_task_runs(client, token, git_mod):
    # Outside a committed transaction the task has not run yet: the release shows its state.
    response = post_git(client, token, ref="main", title="2.0.0")
    assert response.status_code == 200
    release = Release.objects.get()
    assert release.task_state == TaskState.PENDING
    assert release.approved is False
    assert client.get(response.json()["task"]).json() == {
        "id": str(release.task_id),
        "status": "PENDING",
        "result": None,
    }


@pytest.mark.django_db
def test_failed_import_marks_the_release_failed_and_stores_nothing(
    client, token, git_mod, repo, django_capture_on_commit_callbacks
):
    (repo[0] / "mod.conf").write_text("name = cooking\n")
    git("commit", "-q", "-am", "rename", cwd=repo[0])
    before = media_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_git(client, token, ref="main", title="3.0.0")
    assert response.status_code == 200
    release = Release.objects.get()
    assert release.task_state == TaskState.FAILED
    assert "does not match the name of the content" in release.task_error
    assert not ReleaseFile.objects.exists()
    assert media_files() == before
    task = client.get(f"/tasks/{release.task_id}/", **token).json()
    assert task["status"] == "FAILURE" and task["error"] == release.task_error


@pytest.mark.django_db
def test_unknown_ref_fails_the_task(client, token, git_mod, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_git(client, token, ref="no-such-branch", title="3.0.0")
    release = Release.objects.get()
    assert release.task_state == TaskState.FAILED
    assert release.task_error.startswith("git ")


@pytest.mark.django_db
def test_file_urls_are_refused_by_default(client, token, wip_mod, repo, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https"]
    wip_mod.repo = f"file://{repo[0]}"
    wip_mod.save()
    response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 400
    assert response.json()["error"] == "The repository URL must start with https://"
    assert not Release.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "1.0"}, "ref is required in the POST data"),
        (
            {"title": "1.0", "ref": "--upload-pack=touch /tmp/x"},
            "ref '--upload-pack=touch /tmp/x' is not a valid git branch, tag or commit",
        ),
        ({"title": "1.0", "ref": 5}, "ref must be a string"),
    ],
)
def test_bad_git_requests_are_refused(client, token, git_mod, fields, message):
    response = post_git(client, token, **fields)
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": message}
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_package_without_repository_cannot_import(client, token, wip_mod):
    response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 400
    assert response.json()["error"] == "The package has no repository URL to import from"
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_release_deleted_before_its_import_runs_stays_deleted(
    client, token, git_mod, django_capture_on_commit_callbacks
):
    before = media_files()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_git(client, token, ref="main", title="2.0.0")
    release_id = response.json()["release"]["id"]
    url = f"/api/packages/alice/farming/releases/{release_id}/"
    assert client.delete(url, **token).status_code == 200  # a pending import may always go
    for callback in callbacks:  # the worker picks the task up afterwards
        callback()
    assert not Release.objects.exists()
    assert media_files() == before
