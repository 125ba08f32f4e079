"""Releases of Luanti content imported from the package's git repository.

The release is a row in task state PENDING at once; the clone, the archive and the very same
inspection as for an uploaded zip run in a task (releases.tasks.import_git_release), which finishes
the release or marks it FAILED with the reason.
"""

import re

from django.db import transaction

from accounts.models import User
from media_tools.limits import count_upload
from packages.models import Package
from releases.errors import InvalidReleaseRequest
from releases.git_imports import check_repo_url
from releases.models import Release, TaskState
from releases.tasks import import_git_release
from releases.zip_releases import MAX_NOTES, check_can_release, clean_text, release_names

# A git ref as an author would type it; never starting with '-' so it cannot become a git option.
GIT_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+\-]{0,199}")


def create_git_release(
    *,
    package: Package,
    by: User,
    ref: str | None,
    title: str | None,
    name: str | None = None,
    release_notes: str | None = None,
) -> Release:
    """A release imported from the package's repository; PENDING until the import task finishes."""
    count_upload(user_id=by.pk)
    name, title = release_names(name, title)
    notes = clean_text(release_notes, what="release_notes", limit=MAX_NOTES)
    ref = (ref or "").strip()
    if (ref and not GIT_REF.fullmatch(ref)) or ".." in ref:
        raise InvalidReleaseRequest(
            f"ref {ref!r} is not a valid git branch, tag or commit", field="ref"
        )
    try:
        check_repo_url(package.repo)
    except InvalidReleaseRequest as error:  # about the package's repository link
        raise InvalidReleaseRequest(error.message, field="repo") from error
    with transaction.atomic():
        Package.objects.select_for_update().filter(pk=package.pk).first()
        check_can_release(package=package, by=by, name=name, title=title)
        release = Release.objects.create(
            package=package,
            name=name,
            title=title,
            release_notes=notes,
            approved=False,
            task_state=TaskState.PENDING,
        )
        # The worker must see the committed row; with the immediate backend it runs right here.
        transaction.on_commit(
            lambda: import_git_release.enqueue(release_id=release.pk, ref=ref, by_id=by.pk)
        )
    return release
