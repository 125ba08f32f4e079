"""The forges' other formats and the webhook's limits: GitLab tag pushes, Gitea/Forgejo tag
creation, missing delivery ids, bodies too large, deleted tags, and that the webhook only records
and enqueues (with a queueing task backend nothing runs in the request)."""

import hashlib
import hmac
import json

import pytest

from releases.models import Release, SeenDelivery, TaskState, WebhookDelivery
from releases.webhooks import WEBHOOK_LOG_SIZE
from tests.updates.conftest import git, github_post, tag_push
from tests.updates.test_webhooks import HOOK, configure


def gitea_post(client, secret: str, payload: dict, *, event: str, delivery: str, forgejo=False):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    prefix = "FORGEJO" if forgejo else "GITEA"
    return client.post(
        "/api/webhooks/gitea/alice/farming/",
        body,
        content_type="application/json",
        **{
            f"HTTP_X_{prefix}_SIGNATURE": signature,
            f"HTTP_X_{prefix}_EVENT": event,
            f"HTTP_X_{prefix}_DELIVERY": delivery,
        },
    )


@pytest.mark.django_db
def test_a_gitlab_tag_push_hook_makes_a_release(client, token, committed, mod, repo):
    secret = configure(client, token)
    git("tag", "v3.0", cwd=repo)
    commit = git("rev-parse", "HEAD", cwd=repo)
    payload = {"object_kind": "tag_push", "ref": "refs/tags/v3.0", "checkout_sha": commit}
    response = committed(
        client.post,
        "/api/webhooks/gitlab/alice/farming/",
        payload,
        content_type="application/json",
        HTTP_X_GITLAB_TOKEN=secret,
        HTTP_X_GITLAB_EVENT="Tag Push Hook",
        HTTP_X_GITLAB_EVENT_UUID="6a2b7c1e-0000-4000-8000-000000000001",
    )
    assert response.status_code == 200, response.content
    assert Release.objects.get().title == "v3.0"


@pytest.mark.django_db
@pytest.mark.parametrize("forgejo", [False, True])
def test_a_forgejo_or_gitea_tag_creation_makes_a_release(
    client, token, committed, mod, repo, forgejo
):
    secret = configure(client, token)
    git("tag", "v4.0", cwd=repo)
    payload = {"ref": "v4.0", "ref_type": "tag", "sha": git("rev-parse", "HEAD", cwd=repo)}
    response = committed(
        gitea_post, client, secret, payload, event="create", delivery="7", forgejo=forgejo
    )
    assert response.status_code == 200, response.content
    assert Release.objects.get().task_state == TaskState.DONE


@pytest.mark.django_db
def test_what_is_refused_and_what_is_ignored(client, token, committed, mod, repo, settings):
    secret = configure(client, token)
    commit = git("rev-parse", "HEAD", cwd=repo)
    no_id = client.post(
        HOOK,
        b"{}",
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256="sha256=" + hmac.new(secret.encode(), b"{}", "sha256").hexdigest(),
        HTTP_X_GITHUB_EVENT="ping",
    )
    assert (no_id.status_code, no_id.json()["error"]) == (
        400,
        "Missing or malformed delivery id header",
    )
    deleted = {**tag_push("v9", "0" * 40), "deleted": True}
    answer = committed(github_post, client, HOOK, secret, deleted)
    assert answer.json()["message"] == "ignored: tag v9 was deleted"
    not_json = client.post(
        HOOK,
        b"tag",
        content_type="text/plain",
        HTTP_X_HUB_SIGNATURE_256="sha256="
        + hmac.new(secret.encode(), b"tag", "sha256").hexdigest(),
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_GITHUB_DELIVERY="nj",
    )
    assert not_json.status_code == 400
    assert not SeenDelivery.objects.filter(delivery_id="nj").exists()  # may be sent again
    settings.WEBHOOK_MAX_BODY = 100
    big = committed(github_post, client, HOOK, secret, {**tag_push("v1", commit), "x": "y" * 200})
    assert big.status_code == 413
    assert client.get(HOOK).status_code == 405
    assert client.post("/api/webhooks/bitbucket/alice/farming/", {}).status_code == 404
    assert not Release.objects.exists()


@pytest.mark.django_db
def test_the_log_keeps_the_newest_deliveries(client, token, committed, mod):
    secret = configure(client, token)
    for number in range(WEBHOOK_LOG_SIZE + 3):
        github_post(client, HOOK, secret, {}, event="ping", delivery=f"p-{number}")
    kept = list(WebhookDelivery.objects.values_list("delivery_id", flat=True))
    assert len(kept) == WEBHOOK_LOG_SIZE and kept[0] == f"p-{WEBHOOK_LOG_SIZE + 2}"


@pytest.mark.django_db
def test_the_webhook_only_enqueues(client, token, committed, mod, repo, settings):
    from django_tasks import default_task_backend

    secret = configure(client, token)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    git("tag", "v5.0", cwd=repo)
    response = committed(
        github_post, client, HOOK, secret, tag_push("v5.0", git("rev-parse", "HEAD", cwd=repo))
    )
    assert response.json()["queued"] is True
    assert not Release.objects.exists()  # no git ran in the request
    queued = [r.task.name for r in default_task_backend.results]
    assert queued == ["handle_update"]
