"""Local repositories and a package that follows one (file:// is allowed in these tests only)."""

import hashlib
import hmac
import json
import uuid

import pytest

from accounts.services import create_api_token
from packages.models import PackageState
from tests.contentdb_writes.git_servers import git
from tests.factories import PackageFactory


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "farming"
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    (path / "init.lua").write_text("print('v1')\n")
    (path / "mod.conf").write_text("name = farming\n")
    (path / "README.md").write_text("Farming\n")
    (path / "LICENSE.txt").write_text("MIT\n")  # ContentDB asks a new package for one
    git("add", ".", cwd=path)
    git("commit", "-q", "-m", "v1", cwd=path)
    return path


@pytest.fixture
def token(user):
    _, secret = create_api_token(user=user, name="ci")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def mod(user, repo, settings):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    return PackageFactory(
        author=user,
        name="farming",
        title="Farming",
        state=PackageState.WIP,
        approved_at=None,
        repo=f"file://{repo}",
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a call as a request would: its on-commit callbacks (the enqueued tasks) run after it."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def github_post(client, url: str, secret: str, payload: dict, *, event="push", delivery=None):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=f"sha256={signature}",
        HTTP_X_GITHUB_EVENT=event,
        HTTP_X_GITHUB_DELIVERY=delivery or str(uuid.uuid4()),
    )


def tag_push(tag: str, commit: str) -> dict:
    return {
        "ref": f"refs/tags/{tag}",
        "before": "0" * 40,
        "after": commit,
        "created": True,
        "deleted": False,
        "repository": {"full_name": "alice/farming", "default_branch": "main"},
    }
