"""A module's tag that cannot be published leaves the reason for its people, and nothing else."""

import pytest

from releases.models import Release, UpdateSettings
from releases.updates import UpdateChanges, create_webhook_secret, save_update_settings
from tests.factories import RockFactory
from tests.updates.conftest import git, github_post, tag_push

HOOK = "/api/webhooks/github/modules/alice/farming/"


@pytest.mark.django_db
def test_a_tag_without_a_rockspec_template_fails_with_its_reason(
    client, user, repo, settings, committed
):
    settings.GIT_IMPORT_ALLOWED_SCHEMES = ["https", "file"]
    module = RockFactory(author=user, name="farming", repo=f"file://{repo}")
    save_update_settings(
        package=module, by=user, changes=UpdateChanges(trigger="tag", action="release")
    )
    secret = create_webhook_secret(package=module, by=user)
    git("tag", "v1.0", cwd=repo)
    commit = git("rev-parse", "HEAD", cwd=repo)
    response = committed(github_post, client, HOOK, secret, tag_push("v1.0", commit))
    assert response.status_code == 200
    assert not Release.objects.filter(package=module).exists()
    error = UpdateSettings.objects.get().last_error
    assert error.startswith("No rockspec template at tag v1.0: expected one of")
    client.force_login(user)
    assert error in client.get("/modules/alice/farming/updates").content.decode()
    not_a_version = committed(github_post, client, HOOK, secret, tag_push("nightly", commit))
    assert "is not a version" in not_a_version.json()["message"]
