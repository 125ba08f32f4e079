"""`/tasks/<id>/`: ids nobody can guess; everyone sees the state, only the package's people and
moderators see why an import failed (the reason can hold a private repository's URL)."""

import uuid

import pytest

from accounts.models import Rank
from packages.models import Package
from releases.models import Release, TaskState
from tests.contentdb_writes.test_git_releases import post_git
from tests.factories import UserFactory

FAILED_FOR_STRANGERS = "The import failed"


@pytest.fixture
def failed_import(client, token, wip_mod, tmp_path, settings, django_capture_on_commit_callbacks):
    """A hidden (WIP) package whose git import failed with its private repository path in the
    reason."""
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    Package.objects.filter(pk=wip_mod.pk).update(repo=f"file://{tmp_path}/private-repo-x7")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_git(client, token, ref="", title="1.0.0")
    assert response.status_code == 200, response.content
    release = Release.objects.get()
    assert release.task_state == TaskState.FAILED
    assert "private-repo-x7" in release.task_error
    return response.json()["task"], release


def bearer(user) -> dict:
    from accounts.services import create_api_token

    _, secret = create_api_token(user=user, name="poll")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
def test_task_ids_are_random_uuids_not_release_ids(client, token, failed_import):
    path, release = failed_import
    assert path == f"/tasks/{release.task_id}/"
    assert uuid.UUID(path.split("/")[2]).version == 4
    assert client.get(f"/tasks/{release.pk}/").status_code == 404
    assert client.get(f"/tasks/{uuid.uuid4()}/").json() == {
        "success": False,
        "error": "Task not found",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "stranger-token", "stranger-session", "approver"])
def test_strangers_see_the_state_but_not_the_reason(client, failed_import, who):
    path, release = failed_import
    stranger = UserFactory(username="eve", rank=Rank.MEMBER)
    headers = {}
    if who == "stranger-token":
        headers = bearer(stranger)
    elif who == "stranger-session":
        client.force_login(stranger)
    elif who == "approver":
        # approvers review hidden packages, but a failed import's reason is not theirs to read
        client.force_login(UserFactory(username="appr", rank=Rank.APPROVER))
    response = client.get(path, **headers)
    assert response.status_code == 200
    assert response.json() == {
        "id": str(release.task_id),
        "status": "FAILURE",
        "error": FAILED_FOR_STRANGERS,
    }
    assert b"private-repo-x7" not in response.content
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["author-token", "author-session", "maintainer", "moderator"])
def test_the_packages_people_and_moderators_see_the_reason(
    client, token, failed_import, moderator, other_user, who
):
    path, release = failed_import
    headers = {}
    if who == "author-token":
        headers = token
    elif who == "author-session":
        client.force_login(release.package.author)
    elif who == "maintainer":
        release.package.maintainers.add(other_user)
        headers = bearer(other_user)
    else:
        client.force_login(moderator)
    response = client.get(path, **headers)
    assert response.status_code == 200
    assert response.json() == {
        "id": str(release.task_id),
        "status": "FAILURE",
        "error": release.task_error,
    }


@pytest.mark.django_db
def test_every_release_gets_its_own_task_id(client, token, wip_mod, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    Package.objects.filter(pk=wip_mod.pk).update(repo="file:///nonexistent/farming")
    first = post_git(client, token, ref="", title="1.0.0").json()["task"]
    second = post_git(client, token, ref="", title="2.0.0").json()["task"]
    assert first != second
    assert Release.objects.values("task_id").distinct().count() == 2
