"""Webhooks through HTTP: settings and secret by the API, then signed deliveries as forges send
them, against a real local repository (the import clones it with git)."""

import hashlib
import hmac
import io
import json
import subprocess
import zipfile

import pytest

from packages.models import Notification, NotificationKind
from releases.models import Release, ReleaseFile, SeenDelivery, TaskState, WebhookDelivery
from tests.factories import UserFactory
from tests.updates.conftest import git, github_post, tag_push

SETTINGS = "/api/packages/alice/farming/update-settings/"
HOOK = "/api/webhooks/github/alice/farming/"


def configure(client, token, **fields) -> str:
    body = {"trigger": "tag", "action": "release", **fields}
    response = client.put(SETTINGS, body, content_type="application/json", **token)
    assert response.status_code == 200, response.content
    response = client.post(f"{SETTINGS}webhook-secret/", **token)
    assert response.status_code == 200, response.content
    return response.json()["webhook_secret"]


def zip_entries(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_a_signed_push_of_a_new_tag_makes_a_release_equal_to_git_archive(
    client, token, committed, mod, repo
):
    secret = configure(client, token)
    git("tag", "v1.0", cwd=repo)
    commit = git("rev-parse", "v1.0^{commit}", cwd=repo)
    response = committed(github_post, client, HOOK, secret, tag_push("v1.0", commit))
    assert response.status_code == 200, response.content
    assert response.json() == {"success": True, "message": "queued: tag v1.0", "queued": True}
    release = Release.objects.get(package=mod)
    assert (release.title, release.task_state, release.commit) == ("v1.0", TaskState.DONE, commit)
    expected = subprocess.run(
        ["git", "archive", "--format=zip", "--prefix=farming/", "v1.0"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout
    with ReleaseFile.objects.get(release=release).file.open("rb") as handle:
        stored = handle.read()
    assert zip_entries(stored) == zip_entries(expected)
    assert stored == expected  # the very bytes of `git archive`
    log = client.get(SETTINGS, **token).json()
    assert log["update_settings"]["last_seen_ref"] == "v1.0"
    assert [d["status"] for d in log["deliveries"]] == [200]


@pytest.mark.django_db
def test_bad_signature_replay_and_unknown_package_change_nothing(
    client, token, committed, mod, repo
):
    secret = configure(client, token)
    git("tag", "v1.0", cwd=repo)
    payload = tag_push("v1.0", git("rev-parse", "HEAD", cwd=repo))

    bad = committed(github_post, client, HOOK, "not-the-secret", payload, delivery="d-1")
    assert bad.status_code == 403
    assert bad.json() == {"success": False, "error": "Bad signature or token"}
    assert not Release.objects.exists() and not SeenDelivery.objects.exists()

    unknown = committed(github_post, client, "/api/webhooks/github/alice/nothing/", secret, payload)
    assert unknown.status_code == 404
    assert not Release.objects.exists()

    first = committed(
        github_post, client, HOOK, secret, {"zen": "hi"}, event="ping", delivery="d-2"
    )
    assert (first.status_code, first.json()["message"]) == (200, "pong")
    replay = committed(github_post, client, HOOK, secret, payload, delivery="d-2")
    assert replay.status_code == 409
    assert not Release.objects.exists()
    statuses = list(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == [409, 200, 403]  # newest first; the unknown package logs nothing


@pytest.mark.django_db
def test_other_events_and_filtered_tags_answer_200_with_a_reason(
    client, token, committed, mod, repo
):
    secret = configure(client, token, tag_pattern="v*")
    issue = committed(github_post, client, HOOK, secret, {"action": "opened"}, event="issues")
    assert issue.status_code == 200
    assert "ignored" in issue.json()["message"]
    commit = git("rev-parse", "HEAD", cwd=repo)
    other = committed(github_post, client, HOOK, secret, tag_push("release-1", commit))
    assert other.json()["message"] == "ignored: tag release-1 does not match the pattern v*"
    branch = {**tag_push("x", commit), "ref": "refs/heads/main"}
    assert (
        "follows new tags" in committed(github_post, client, HOOK, secret, branch).json()["message"]
    )
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_gitlab_token_and_gitea_signature(client, token, committed, mod, repo):
    secret = configure(client, token, trigger="commit", title_from="date_commit")
    commit = git("rev-parse", "HEAD", cwd=repo)
    push = {
        "ref": "refs/heads/main",
        "after": commit,
        "checkout_sha": commit,
        "project": {"default_branch": "main"},
    }
    bad = committed(
        client.post,
        "/api/webhooks/gitlab/alice/farming/",
        push,
        content_type="application/json",
        HTTP_X_GITLAB_TOKEN="wrong",
        HTTP_X_GITLAB_EVENT="Push Hook",
        HTTP_X_GITLAB_EVENT_UUID="u-1",
    )
    assert bad.status_code == 403
    good = committed(
        client.post,
        "/api/webhooks/gitlab/alice/farming/",
        push,
        content_type="application/json",
        HTTP_X_GITLAB_TOKEN=secret,
        HTTP_X_GITLAB_EVENT="Push Hook",
        HTTP_X_GITLAB_EVENT_UUID="u-1",
    )
    assert good.status_code == 200, good.content
    release = Release.objects.get()
    assert release.title.endswith(commit[:7]) and release.task_state == TaskState.DONE
    # the same commit again through Gitea's style: seen already, no second release
    body = json.dumps({**push, "repository": {"default_branch": "main"}}).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    gitea = committed(
        client.post,
        "/api/webhooks/gitea/alice/farming/",
        body,
        content_type="application/json",
        HTTP_X_GITEA_SIGNATURE=signature,
        HTTP_X_GITEA_EVENT="push",
        HTTP_X_GITEA_DELIVERY="g-1",
    )
    assert gitea.status_code == 200, gitea.content
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_the_settings_need_a_token_with_the_permission(client, token, committed, mod, other_user):
    from accounts.services import create_api_token

    assert client.get(SETTINGS).status_code == 401
    _, secret = create_api_token(user=other_user, name="x")
    other = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(SETTINGS, **other).status_code in (403, 404)
    bad = client.put(
        SETTINGS,
        {"trigger": "sometimes", "action": "release"},
        content_type="application/json",
        **token,
    )
    assert bad.status_code == 400
    assert "trigger must be one of" in bad.json()["error"]


@pytest.mark.django_db
def test_notify_tells_the_package_people_by_their_email_settings(
    client, token, committed, mod, repo, mailoutbox
):
    # a maintainer who never verified an address: notified on the site, never mailed
    helper = UserFactory(username="helper", email="helper@example.org", verified_email="")
    mod.maintainers.add(helper)
    secret = configure(client, token, action="notify")
    git("tag", "v2.0", cwd=repo)
    response = committed(
        github_post, client, HOOK, secret, tag_push("v2.0", git("rev-parse", "HEAD", cwd=repo))
    )
    assert response.status_code == 200
    assert not Release.objects.exists()
    told = Notification.objects.filter(kind=NotificationKind.UPDATE_AVAILABLE)
    assert sorted(told.values_list("user__username", "title", "url")) == [
        ("alice", "Update available for Farming: v2.0", "/packages/alice/farming/releases/new/"),
        ("helper", "Update available for Farming: v2.0", "/packages/alice/farming/releases/new/"),
    ]
    assert [m.to for m in mailoutbox] == [[mod.author.email]]
    assert mailoutbox[0].subject == "[Lua Registry] Update available for Farming: v2.0"
    assert "/packages/alice/farming/releases/new/" in mailoutbox[0].body
