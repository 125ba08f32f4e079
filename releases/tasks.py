"""Background work of the releases app (django-tasks; in-process by default, a worker in production).

`import_git_release` clones the package's repository (releases/git_imports.py: checked URL, pinned
address, one deadline) and hands the zip to the same inspection as an upload. The release row shows
RUNNING while it works, then always DONE or FAILED with the reason in `task_error`: a domain error,
a bug, the deadline, or the worker being stopped (SystemExit) all end in FAILED. A worker killed
outright (SIGKILL, power loss) cannot write anything; `fail_stuck_imports` fails such rows later.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from media_tools.storage import files_removed_on_error
from packages.threads import Event, post_state_change
from releases.errors import ReleasesError
from releases.git_imports import INTERRUPTED, STUCK, clone_and_archive, import_timeout
from releases.models import Release, TaskState
from releases.zip_releases import store_release
from releases.zips import MiB, ZipLimits, inspect_release_zip

GIT_ZIP_LIMIT = 100 * MiB  # ContentDB's limit for a git archive


def _fail(release_id: int, reason: str) -> None:
    # only a release still RUNNING: one that finished storing stays DONE
    failed = Release.objects.filter(pk=release_id, task_state=TaskState.RUNNING).update(
        task_state=TaskState.FAILED, task_error=reason[:2000], approved=False
    )
    if failed:
        _post_failure(release_id)


def _post_failure(release_id: int) -> None:
    """Tell the package's people in its approval thread. The reason stays on the release's task
    page: it may name a private repository, which approvers (who read the thread) may not see."""
    with transaction.atomic():
        release = Release.objects.select_related("package__author").get(pk=release_id)
        if release.task_state != TaskState.FAILED:
            return  # it finished meanwhile
        post_state_change(
            package=release.package,
            by=None,
            event=Event.RELEASE_FAILED,
            text=f"Release {release.title or release.name}: the reason is shown to the "
            "package's people and moderators with the release.",
        )


@task()
def import_git_release(*, release_id: int, ref: str, by_id: int) -> str:
    """Import a PENDING git release; returns the final task state."""
    fail_stuck_imports()  # whatever an earlier, killed worker left RUNNING
    updated = Release.objects.filter(pk=release_id, task_state=TaskState.PENDING).update(
        task_state=TaskState.RUNNING, task_started_at=timezone.now()
    )
    if not updated:
        return "SKIPPED"  # deleted meanwhile, or another worker took it
    release = Release.objects.select_related("package", "package__author").get(pk=release_id)
    try:
        content, commit = clone_and_archive(
            url=release.package.repo or "",
            ref=ref,
            prefix=release.package.name,
            max_size=GIT_ZIP_LIMIT,
        )
        finish_git_release(
            release=release, by=User.objects.get(pk=by_id), content=content, commit=commit
        )
    except ReleasesError as error:
        _fail(release_id, error.message)
        return TaskState.FAILED
    except Exception:
        _fail(release_id, "The import failed unexpectedly")
        raise  # logged by the task backend
    except BaseException:  # SystemExit from a stopped worker, KeyboardInterrupt
        _fail(release_id, INTERRUPTED)
        raise
    return TaskState.DONE


def finish_git_release(*, release: Release, by: User, content: bytes, commit: str) -> Release:
    """The import task's last step: inspect the archive, then store it as for an upload."""
    package = release.package
    info = inspect_release_zip(
        content,
        package_type=package.type,
        package_name=package.name,
        limits=ZipLimits(max_size=GIT_ZIP_LIMIT),
        approved=package.is_approved,
    )
    release.commit = commit
    with files_removed_on_error():
        return store_release(package=package, by=by, release=release, content=content, info=info)


# A RUNNING import past its deadline plus this grace (the zip inspection and storing after git have
# no deadline of their own, and take seconds) was stopped without a word: its worker died.
STUCK_GRACE = timedelta(minutes=5)


def fail_stuck_imports(*, now: datetime | None = None) -> int:
    """Mark FAILED every import RUNNING longer than the deadline allows; returns how many.

    Run by every import task before it starts, and by `manage.py fail_stuck_imports` (cron, deploy).
    """
    started_before = (now or timezone.now()) - timedelta(seconds=import_timeout()) - STUCK_GRACE
    # no start time: RUNNING since before starts were recorded (the rows the old bug left behind)
    started_long_ago = Q(task_started_at__lt=started_before) | Q(task_started_at__isnull=True)
    stuck = list(
        Release.objects.filter(started_long_ago, task_state=TaskState.RUNNING).values_list(
            "pk", flat=True
        )
    )
    if not stuck:
        return 0
    failed = Release.objects.filter(pk__in=stuck, task_state=TaskState.RUNNING).update(
        task_state=TaskState.FAILED, task_error=STUCK, approved=False
    )
    for release_id in stuck:
        _post_failure(release_id)
    return failed
