"""Polling for updates: `git ls-remote` of every repository that is due, then the same action as a
webhook (releases.update_tasks.act_on_update).

A package is due when it polls, is not paused, and was last checked UPDATE_CHECK_INTERVAL_HOURS ago
or never. `git ls-remote` runs through the import's git runner (releases/git_imports.py: checked
URL, pinned address, no credentials, one deadline), in at most UPDATE_CHECK_CONCURRENCY threads; the
repositories of one host run one after the other with UPDATE_CHECK_HOST_DELAY seconds between
them. The threads only run git; every database write happens afterwards in the calling thread.

The first check after the settings are saved takes the repository as it is (nothing is released
from tags that existed before). After that the newest matching tag (by its numbers), or the
branch's head, when it differs from the last seen one, is an update. UPDATE_CHECK_MAX_FAILURES
failures in a row pause the package and its people are told by email.
"""

import re
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from packages.models import PackageState
from packages.notifications import notify_updates_paused
from releases.errors import ReleasesError
from releases.git_imports import GitRun, check_repo_url, import_timeout
from releases.models import UpdateSettings, UpdateTrigger
from releases.update_tasks import act_on_update
from releases.updates import Update, ignored_because

COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class RemoteRefs:
    heads: dict[str, str]  # branch -> commit
    tags: dict[str, str]  # tag -> commit (peeled: the commit an annotated tag points to)
    default_branch: str


def ls_remote(url: str) -> RemoteRefs:
    """The branches and tags of the repository at `url` (checked as for an import)."""
    remote = check_repo_url(url)
    with tempfile.TemporaryDirectory(prefix="git-ls-remote-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        run = GitRun(remote=remote, home=home, timeout=import_timeout())
        output = run.git("ls-remote", "--symref", "--", remote.url)
    heads: dict[str, str] = {}
    tags: dict[str, str] = {}
    default_branch = ""
    for line in output.splitlines():
        target, _, name = line.partition("\t")
        if target.startswith("ref: refs/heads/") and name == "HEAD":
            default_branch = target[len("ref: refs/heads/") :]
            continue
        if not COMMIT.fullmatch(target):
            continue
        if name.startswith("refs/heads/"):
            heads[name[11:]] = target
        elif name.startswith("refs/tags/"):
            tag = name[10:]
            if tag.endswith("^{}"):
                tags[tag[:-3]] = target  # the peeled commit wins over the tag object
            else:
                tags.setdefault(tag, target)
    return RemoteRefs(heads=heads, tags=tags, default_branch=default_branch)


def _tag_order(tag: str) -> tuple[tuple[int, ...], str]:
    return (tuple(int(n) for n in re.findall(r"\d+", tag)[:8]), tag)


def newest_update(current: UpdateSettings, refs: RemoteRefs) -> Update | None:
    """What the package would act on in `refs`: the newest matching tag or the branch's head."""
    if current.trigger == UpdateTrigger.TAG:
        candidates = [
            Update(kind="tag", ref=tag, commit=commit)
            for tag, commit in refs.tags.items()
            if ignored_because(current, Update(kind="tag", ref=tag, commit=commit)) is None
        ]
        return max(candidates, key=lambda u: _tag_order(u.ref)) if candidates else None
    branch = current.branch or refs.default_branch
    commit = refs.heads.get(branch)
    if not commit:
        return None
    return Update(kind="branch", ref=branch, commit=commit, default_branch=refs.default_branch)


def due_settings(*, now: datetime | None = None) -> QuerySet[UpdateSettings]:
    now = now or timezone.now()
    checked_before = now - timedelta(hours=settings.UPDATE_CHECK_INTERVAL_HOURS)
    return (
        UpdateSettings.objects.filter(poll=True, paused=False)
        .filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=checked_before))
        .exclude(package__state=PackageState.DELETED)
        .exclude(package__repo__isnull=True)
        .exclude(package__repo="")
        .select_related("package__author")
        .order_by("last_checked_at", "pk")
    )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _check_host(urls: list[tuple[int, str]]) -> list[tuple[int, RemoteRefs | str]]:
    """One host's repositories, one after another, politely spaced (runs in a worker thread)."""
    results: list[tuple[int, RemoteRefs | str]] = []
    for index, (pk, url) in enumerate(urls):
        if index:
            time.sleep(settings.UPDATE_CHECK_HOST_DELAY)
        try:
            results.append((pk, ls_remote(url)))
        except ReleasesError as error:
            results.append((pk, error.message))
        except Exception:  # a bug must not stop the other hosts
            results.append((pk, "The repository could not be checked"))
    return results


def _record_failure(current: UpdateSettings, reason: str, now: datetime) -> None:
    current.consecutive_failures += 1
    current.last_error = reason[:2000]
    current.last_checked_at = now
    if current.consecutive_failures >= settings.UPDATE_CHECK_MAX_FAILURES:
        current.paused = True
    current.save(update_fields=["consecutive_failures", "last_error", "last_checked_at", "paused"])
    if current.paused:
        notify_updates_paused(package=current.package, reason=current.last_error)


def _record_success(current: UpdateSettings, refs: RemoteRefs, now: datetime) -> str:
    update = newest_update(current, refs)
    baseline = current.last_checked_at is None
    current.consecutive_failures = 0
    current.last_checked_at = now
    if baseline:  # the repository as it is when the settings were saved: nothing to act on
        if update is not None:
            current.last_seen_ref = update.ref
            current.last_seen_commit = update.commit
        current.last_error = ""
    current.save(
        update_fields=[
            "consecutive_failures",
            "last_checked_at",
            "last_seen_ref",
            "last_seen_commit",
            "last_error",
        ]
    )
    if baseline or update is None:
        return "BASELINE" if baseline else "NOTHING"
    return act_on_update(package_id=current.package_id, update=update)


def check_due_repositories(
    *, now: datetime | None = None, limit: int | None = None
) -> dict[str, int]:
    """Check every due repository (at most `limit`); returns counts of what happened."""
    now = now or timezone.now()
    due = list(due_settings(now=now)[:limit] if limit else due_settings(now=now))
    by_host: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for current in due:
        by_host[_host(current.package.repo or "")].append((current.pk, current.package.repo or ""))
    workers = max(1, min(settings.UPDATE_CHECK_CONCURRENCY, len(by_host)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check-updates") as pool:
        outcomes = [item for batch in pool.map(_check_host, by_host.values()) for item in batch]
    counts: dict[str, int] = defaultdict(int)
    by_pk = {current.pk: current for current in due}
    for pk, outcome in outcomes:
        current = by_pk[pk]
        if isinstance(outcome, str):
            _record_failure(current, outcome, now)
            counts["FAILED CHECK"] += 1
        else:
            counts[_record_success(current, outcome, now)] += 1
    counts["checked"] = len(outcomes)
    return dict(counts)
