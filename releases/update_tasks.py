"""The tasks of update detection (releases/updates.py): act on one update, and check every due
repository (`manage.py check_updates` runs the same function).

`handle_update` runs off the request path (the webhook only records and enqueues it). It does
nothing for a paused package or for what it has already seen, then makes the release (a git import
for Luanti content, a rockspec and a .src.rock for a rock) or tells the package's people. A release
that cannot be made leaves its reason in `UpdateSettings.last_error`; a git import that fails ends
its release FAILED with the reason, as any import does.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from media_tools.errors import MediaToolsError
from packages.errors import PackagesError
from packages.models import PackageType
from packages.notifications import notify_update_available
from packages.permissions import Action, can
from releases.errors import ReleasesError
from releases.git_releases import create_git_release
from releases.models import UpdateAction, UpdateSettings, UpdateTrigger
from releases.updates import Update, ignored_because, release_title


def _already_seen(current: UpdateSettings, update: Update) -> bool:
    if update.kind == "tag":
        return current.last_seen_ref == update.ref
    return bool(update.commit) and current.last_seen_commit == update.commit


@task()
def handle_update(*, package_id: int, kind: str, ref: str, commit: str, default_branch: str) -> str:
    """Act on one update of a package's repository; returns what was done."""
    update = Update(kind=kind, ref=ref, commit=commit, default_branch=default_branch)
    return act_on_update(package_id=package_id, update=update)


def act_on_update(*, package_id: int, update: Update) -> str:
    with transaction.atomic():
        current = (
            UpdateSettings.objects.select_for_update(of=("self",))  # not the outer-joined rows
            .select_related("package__author", "configured_by")
            .filter(package_id=package_id)
            .first()
        )
        if current is None:
            return "NOT CONFIGURED"
        if current.paused:
            return "PAUSED"
        if ignored_because(current, update) is not None:
            return "IGNORED"
        if _already_seen(current, update):
            return "SEEN"
        current.last_seen_ref = update.ref
        if update.commit:
            current.last_seen_commit = update.commit
        current.last_error = ""
        current.save(update_fields=["last_seen_ref", "last_seen_commit", "last_error"])
    package = current.package
    label = update.ref if update.kind == "tag" else f"{update.ref} {update.commit[:7]}".strip()
    if current.action == UpdateAction.NOTIFY:
        notify_update_available(package=package, ref=label)
        return "NOTIFIED"
    try:
        if package.type == PackageType.ROCK:
            from releases.rock_imports import publish_rock_from_tag

            if current.trigger != UpdateTrigger.TAG:
                raise ReleasesError("A module is published from tags only")
            by = current.configured_by
            if by is None or not can(by, Action.MAKE_RELEASE, package):
                raise ReleasesError("Whoever saved the settings may no longer publish this module")
            publish_rock_from_tag(package=package, tag=update.ref)
        else:
            if update.commit and package.releases.filter(commit=update.commit).exists():
                return "SEEN"
            by = current.configured_by
            if by is None:
                raise ReleasesError("Nobody is named to make releases: save the settings again")
            title = release_title(current, update, today=timezone.now().date())
            ref = update.ref if update.kind == "tag" else (current.branch or update.ref)
            create_git_release(package=package, by=by, ref=ref, title=title)
    except (ReleasesError, PackagesError, MediaToolsError) as error:
        message = getattr(error, "message", None) or str(error)
        UpdateSettings.objects.filter(pk=current.pk).update(last_error=message[:2000])
        return "FAILED"
    return "RELEASED"


@task()
def check_updates_task() -> dict[str, int]:
    """Poll every due repository (the cron-free way to run `manage.py check_updates`)."""
    from releases.update_checks import check_due_repositories

    return check_due_repositories()
