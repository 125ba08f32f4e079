"""Background work of the releases app (django-tasks; in-process by default, a worker in production).

`import_git_release` clones the package's repository (releases/git_imports.py: checked URL, pinned
address, one deadline) and hands the zip to the same inspection as an upload. The release row shows
RUNNING while it works, then always DONE or FAILED with the reason in `task_error`: a domain error,
a bug, the deadline, or the worker being stopped (SystemExit) all end in FAILED. A worker killed
outright (SIGKILL, power loss) cannot write anything; `fail_stuck_imports` fails such rows later.
"""

from django.utils import timezone
from django_tasks import task

from accounts.models import User
from releases.errors import ReleasesError
from releases.git_imports import INTERRUPTED, clone_and_archive
from releases.luanti_releases import GIT_ZIP_LIMIT, fail_stuck_imports, finish_git_release
from releases.models import Release, TaskState


def _fail(release_id: int, reason: str) -> None:
    # only a release still RUNNING: one that finished storing stays DONE
    Release.objects.filter(pk=release_id, task_state=TaskState.RUNNING).update(
        task_state=TaskState.FAILED, task_error=reason[:2000], approved=False
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
