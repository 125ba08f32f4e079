"""Background work of the releases app (django-tasks; in-process by default, a worker in production).

`import_git_release` clones the package's repository into a temporary folder, archives the wanted
ref with `git archive` (no .git folder, `export-ignore` honoured, nothing checked out, so no symlink
or hook ever touches our disk) and hands the zip to the same inspection as an upload. The release
row shows RUNNING while it works, then DONE, or FAILED with the reason in `task_error`.
"""

import os
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from accounts.models import User
from releases.errors import GitImportFailed, ReleasesError
from releases.luanti_releases import GIT_ZIP_LIMIT, check_repo_url, finish_git_release
from releases.models import Release, TaskState

GIT_TIMEOUT = 120  # seconds per git command; a clone that takes longer is refused


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd or tempfile.gettempdir()),
        "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        # Only these transports, also for redirects and submodules (no ext::, no ssh to anywhere).
        "GIT_ALLOW_PROTOCOL": ":".join(settings.GIT_IMPORT_ALLOWED_SCHEMES),
    }
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell; the URL comes after `--`
            ["git", *args],  # noqa: S607 - git from PATH, like the deploy image
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise GitImportFailed(f"git {args[0]} took longer than {GIT_TIMEOUT} seconds") from error
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitImportFailed(f"git {args[0]} failed: {detail[-1] if detail else 'no output'}")
    return result.stdout.decode("utf-8", "replace")


def clone_and_archive(*, url: str, ref: str, prefix: str) -> tuple[bytes, str]:
    """(zip bytes, commit hash) of `ref` (default branch when empty) of the repository at `url`."""
    check_repo_url(url)
    with tempfile.TemporaryDirectory(prefix="git-import-") as tmp:
        repo = Path(tmp) / "repo.git"
        try:
            branch = ["--branch", ref] if ref else []
            _git("clone", "--bare", "--depth", "1", "--no-tags", *branch, "--", url, str(repo))
            target = "HEAD"
        except GitImportFailed:
            if not ref:
                raise
            # A commit hash cannot be cloned with --branch: fetch the history and look it up.
            _git("clone", "--bare", "--no-tags", "--", url, str(repo))
            target = ref
        commit = _git("rev-parse", "--verify", "--quiet", f"{target}^{{commit}}", cwd=repo)
        archive = Path(tmp) / "release.zip"
        _git(
            "archive",
            "--format=zip",
            f"--prefix={prefix}/",
            "-o",
            str(archive),
            commit.strip(),
            cwd=repo,
        )
        if archive.stat().st_size > GIT_ZIP_LIMIT:
            raise GitImportFailed(
                f"The archive is larger than {GIT_ZIP_LIMIT // (1024 * 1024)} MiB"
            )
        return archive.read_bytes(), commit.strip()


@task()
def import_git_release(*, release_id: int, ref: str, by_id: int) -> str:
    """Import a PENDING git release; returns the final task state."""
    updated = Release.objects.filter(pk=release_id, task_state=TaskState.PENDING).update(
        task_state=TaskState.RUNNING
    )
    if not updated:
        return "SKIPPED"  # deleted meanwhile, or another worker took it
    release = Release.objects.select_related("package", "package__author").get(pk=release_id)
    try:
        content, commit = clone_and_archive(
            url=release.package.repo or "", ref=ref, prefix=release.package.name
        )
        finish_git_release(
            release=release, by=User.objects.get(pk=by_id), content=content, commit=commit
        )
    except ReleasesError as error:
        with transaction.atomic():
            Release.objects.filter(pk=release_id).update(
                task_state=TaskState.FAILED, task_error=error.message[:2000], approved=False
            )
        return TaskState.FAILED
    except Exception:
        Release.objects.filter(pk=release_id).update(
            task_state=TaskState.FAILED, task_error="The import failed unexpectedly", approved=False
        )
        raise  # logged by the task backend
    return TaskState.DONE
