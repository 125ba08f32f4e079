"""Polling through `manage.py check_updates`: a real `git ls-remote` of a local repository."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from packages.models import Notification, NotificationKind
from releases.models import Release, TaskState, UpdateSettings
from releases.update_checks import due_settings
from tests.updates.conftest import git

SETTINGS = "/api/packages/alice/farming/update-settings/"


def check(committed) -> str:
    out = StringIO()
    committed(call_command, "check_updates", stdout=out)
    return out.getvalue()


def configure(client, token, **fields):
    body = {"trigger": "tag", "action": "release", **fields}
    response = client.put(SETTINGS, body, content_type="application/json", **token)
    assert response.status_code == 200, response.content


def make_due():
    UpdateSettings.objects.update(last_checked_at=timezone.now() - timedelta(days=2))


@pytest.mark.django_db
def test_polling_picks_up_a_new_tag(client, token, committed, mod, repo):
    git("tag", "v0.9", cwd=repo)
    configure(client, token)
    assert "BASELINE: 1" in check(committed)  # what existed before is not released
    assert not Release.objects.exists()
    assert UpdateSettings.objects.get().last_seen_ref == "v0.9"
    assert "checked: 0" in check(committed)  # not due again before the interval
    (repo / "init.lua").write_text("print('v1.0')\n")
    git("commit", "-q", "-am", "1.0", cwd=repo)
    git("tag", "-a", "v1.0", "-m", "one point oh", cwd=repo)  # annotated: the peeled commit
    make_due()
    assert "RELEASED: 1" in check(committed)
    release = Release.objects.get()
    assert release.title == "v1.0" and release.task_state == TaskState.DONE
    assert release.commit == git("rev-parse", "v1.0^{commit}", cwd=repo)
    make_due()
    assert "SEEN: 1" in check(committed)
    assert Release.objects.count() == 1


@pytest.mark.django_db
def test_polling_a_branch_releases_its_new_head(client, token, committed, mod, repo):
    configure(client, token, trigger="commit", title_from="date_commit")
    check(committed)
    (repo / "init.lua").write_text("print('next')\n")
    git("commit", "-q", "-am", "next", cwd=repo)
    make_due()
    assert "RELEASED: 1" in check(committed)
    head = git("rev-parse", "HEAD", cwd=repo)
    assert Release.objects.get().commit == head


@pytest.mark.django_db
def test_repeated_failures_pause_and_tell_the_people(
    client, token, committed, mod, repo, settings, mailoutbox
):
    settings.UPDATE_CHECK_MAX_FAILURES = 2
    configure(client, token)
    mod.repo = f"file://{repo}-gone"
    mod.save()
    check(committed)
    current = UpdateSettings.objects.get()
    assert (current.consecutive_failures, current.paused) == (1, False)
    assert "git ls-remote failed" in current.last_error
    make_due()
    check(committed)
    current.refresh_from_db()
    assert (current.consecutive_failures, current.paused) == (2, True)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("[Lua Registry] Update checks paused for Farming: ")
    told = Notification.objects.get(kind=NotificationKind.UPDATES_PAUSED)
    assert (told.user, told.url) == (mod.author, "/packages/alice/farming/updates/")
    assert "git ls-remote failed" in told.title
    make_due()
    assert not due_settings().exists()  # paused: never polled until unpaused
