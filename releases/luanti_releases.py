"""Releases of Luanti content: from an uploaded zip, from a git repository, and their deletion.

A zip is inspected completely (releases.zips) before any row is written; then the release row, its
stored zip and the package's provides/dependencies are written in one transaction inside
`files_removed_on_error()`, so a failure leaves neither rows nor files. A git release is a row in
task state PENDING at once; the clone, archive and the very same inspection run in a task
(releases.tasks), which finishes the release or marks it FAILED with the reason.

Limits (why): release name and title at most 100 characters (ContentDB's title column; a name is a
version string), release notes at most 10,000 characters (ContentDB's web form allows 5,000, its API
is unlimited; 10,000 covers long changelogs without letting one request fill a page), at most 5
releases of one package in 5 minutes (ContentDB's rate limit). Zip limits are in releases.zips.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Rank, User
from media_tools.limits import count_upload
from packages.models import LUANTI_TYPES, LuantiVersion, MetaPackage, Package, PackageDependency
from packages.permissions import Action, can, refusal_message
from releases.cache import invalidate_luanti_lists
from releases.errors import (
    GitImportFailed,
    InvalidReleaseRequest,
    InvalidReleaseZip,
    ReleaseExists,
    ReleaseNotDeletable,
    ReleasePermissionDenied,
    TooManyReleases,
)
from releases.git_imports import STUCK, check_repo_url, import_timeout
from releases.luanti_conf import ContentInfo, luanti_version
from releases.models import FileKind, Release, TaskState
from releases.storage import delete_release_files, files_removed_on_error, save_release_file
from releases.zips import MiB, ZipLimits, inspect_release_zip

MAX_TITLE = 100
MAX_NOTES = 10_000
RATE_COUNT, RATE_WINDOW = 5, timedelta(minutes=5)
COMMIT = re.compile(r"[0-9a-f]{40}")
# A git ref as an author would type it; never starting with '-' so it cannot become a git option.
GIT_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+\-]{0,199}")
GIT_ZIP_LIMIT = 100 * MiB  # ContentDB's limit for a git archive

NO_PERMISSION = "You do not have the permission to make releases of this package"
NOT_DELETABLE = "Unable to delete the release, make sure there's a newer release available"


def upload_zip_limits() -> ZipLimits:
    return ZipLimits(max_size=settings.MAX_UPLOAD_SIZE)


def _clean_text(value: str | None, *, what: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > limit:
        raise InvalidReleaseRequest(f"{what} must be at most {limit} characters")
    if "\x00" in value:
        raise InvalidReleaseRequest(f"{what} must not contain NUL characters")
    return value


def _names(name: str | None, title: str | None) -> tuple[str, str]:
    """ContentDB's defaults: each of name and title falls back to the other; one is required."""
    name = (name or "").strip() or None
    title = (title or "").strip() or None
    if not name and not title:
        raise InvalidReleaseRequest("name is required in the POST data")
    name, title = name or title, title or name
    # the cleaned values: a bare CR is a line end too, so "one\rtwo" is not one line
    title = _clean_text(title, what="title", limit=MAX_TITLE)
    name = _clean_text(name, what="name", limit=MAX_TITLE)
    if "\n" in name or "\n" in title:
        raise InvalidReleaseRequest("name and title must be one line")
    return name, title


def _check_can_release(*, package: Package, by: User, name: str, title: str) -> None:
    if package.type not in LUANTI_TYPES or not can(by, Action.MAKE_RELEASE, package):
        raise ReleasePermissionDenied(
            refusal_message(by, Action.MAKE_RELEASE, package, default=NO_PERMISSION)
        )
    _check_rate(package)
    if package.releases.filter(name__iexact=name).exists():
        raise ReleaseExists("A release with this name already exists")
    if package.releases.filter(title__iexact=title).exists():
        raise ReleaseExists("A release with this title already exists")


def _check_rate(package: Package) -> None:
    recent = package.releases.filter(created_at__gte=timezone.now() - RATE_WINDOW).count()
    if recent >= RATE_COUNT:
        raise TooManyReleases(
            "You've created too many releases for this package in the last 5 minutes, "
            "please wait before trying again"
        )


def _read_file(file: bytes | UploadedFile) -> tuple[str, bytes]:
    if isinstance(file, bytes):
        return "release.zip", file
    limit = settings.MAX_UPLOAD_SIZE
    if file.size is not None and file.size > limit:
        raise InvalidReleaseZip(f"The zip is larger than {limit // MiB} MiB")
    file.seek(0)
    return file.name or "", file.read(limit + 1)


def create_zip_release(
    *,
    package: Package,
    by: User,
    title: str | None,
    file: bytes | UploadedFile,
    name: str | None = None,
    release_notes: str | None = None,
    commit: str | None = None,
    min_luanti: LuantiVersion | None = None,
    max_luanti: LuantiVersion | None = None,
) -> Release:
    """A release from an uploaded zip, live at once when `by` may approve releases.

    min/max Luanti versions given here win over the `.conf` keys. Raises InvalidReleaseRequest,
    InvalidReleaseZip, InvalidLuantiContent, ReleasePermissionDenied, ReleaseExists, TooManyReleases,
    UploadLimitReached.
    """
    count_upload(user_id=by.pk)
    name, title = _names(name, title)
    notes = _clean_text(release_notes, what="release_notes", limit=MAX_NOTES)
    if commit is not None and commit != "":
        commit = commit.strip().lower()
        if not COMMIT.fullmatch(commit):
            raise InvalidReleaseRequest(
                "Invalid commit hash; it must be a 40 character long base16 string"
            )
    else:
        commit = None
    filename, content = _read_file(file)
    if not filename:
        raise InvalidReleaseRequest("Expected file")
    if not filename.lower().endswith(".zip"):
        raise InvalidReleaseRequest("Please upload a zip file")
    _check_can_release(package=package, by=by, name=name, title=title)
    info = inspect_release_zip(
        content, package_type=package.type, package_name=package.name, limits=upload_zip_limits()
    )
    with files_removed_on_error():
        return _store(
            package=package,
            by=by,
            release=Release(
                package=package, name=name, title=title, release_notes=notes, commit=commit
            ),
            content=content,
            info=info,
            min_luanti=min_luanti,
            max_luanti=max_luanti,
        )


@transaction.atomic
def _store(
    *,
    package: Package,
    by: User,
    release: Release,
    content: bytes,
    info: ContentInfo,
    min_luanti: LuantiVersion | None = None,
    max_luanti: LuantiVersion | None = None,
) -> Release:
    # Serialise writers of one package so the name checks above and the provides rebuild hold.
    Package.objects.select_for_update().filter(pk=package.pk).first()
    if (
        Release.objects.filter(package=package, name__iexact=release.name)
        .exclude(pk=release.pk)
        .exists()
    ):
        raise ReleaseExists("A release with this name already exists")
    if (
        release.pk is None
    ):  # checked again under the lock: concurrent uploads passed the first checks
        _check_rate(package)
        if package.releases.filter(title__iexact=release.title).exists():
            raise ReleaseExists("A release with this title already exists")
    release.min_luanti_version = min_luanti or luanti_version(
        info.conf.get("min_minetest_version"), key="min_minetest_version"
    )
    release.max_luanti_version = max_luanti or luanti_version(
        info.conf.get("max_minetest_version"), key="max_minetest_version"
    )
    if (
        release.min_luanti_version
        and release.max_luanti_version
        and release.min_luanti_version.pk > release.max_luanti_version.pk
    ):
        raise InvalidReleaseRequest("The minimum Luanti version is newer than the maximum")
    release.task_state = TaskState.DONE
    release.task_error = ""
    release.approved = can(by, Action.APPROVE_RELEASE, package)
    release.approved_at = timezone.now() if release.approved else None
    if release.pk is not None:  # a git import finishing: its row may have been deleted meanwhile
        if not Release.objects.select_for_update().filter(pk=release.pk).exists():
            raise GitImportFailed("The release was deleted while it was being imported")
        release.save(force_update=True)
    else:
        try:
            with transaction.atomic():
                release.save()
        except IntegrityError as error:  # a concurrent request took the name first
            raise ReleaseExists("A release with this name already exists") from error
    save_release_file(
        release=release,
        kind=FileKind.ZIP,
        filename=f"{package.name}-{release.pk}.zip",
        content=content,
    )
    _update_package_metadata(package=package, info=info)
    invalidate_luanti_lists()
    return release


def _update_package_metadata(*, package: Package, info: ContentInfo) -> None:
    """Provides and mod-name dependencies come from the newest release's .conf files."""
    provided = [MetaPackage.objects.get_or_create(name=name)[0] for name in info.provides]
    package.provides.set(provided)
    hard, optional = info.dependencies()
    PackageDependency.objects.filter(depender=package, meta_package__isnull=False).delete()
    PackageDependency.objects.bulk_create(
        [
            PackageDependency(
                depender=package,
                meta_package=MetaPackage.objects.get_or_create(name=name)[0],
                is_optional=is_optional,
            )
            for names, is_optional in ((hard, False), (optional, True))
            for name in names
        ]
    )


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
    from releases.tasks import import_git_release  # the task module imports this one

    count_upload(user_id=by.pk)
    name, title = _names(name, title)
    notes = _clean_text(release_notes, what="release_notes", limit=MAX_NOTES)
    ref = (ref or "").strip()
    if (ref and not GIT_REF.fullmatch(ref)) or ".." in ref:
        raise InvalidReleaseRequest(f"ref {ref!r} is not a valid git branch, tag or commit")
    check_repo_url(package.repo)
    with transaction.atomic():
        Package.objects.select_for_update().filter(pk=package.pk).first()
        _check_can_release(package=package, by=by, name=name, title=title)
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


def finish_git_release(*, release: Release, by: User, content: bytes, commit: str) -> Release:
    """The import task's last step: inspect the archive, then store it as for an upload."""
    package = release.package
    info = inspect_release_zip(
        content,
        package_type=package.type,
        package_name=package.name,
        limits=ZipLimits(max_size=GIT_ZIP_LIMIT),
    )
    release.commit = commit
    with files_removed_on_error():
        return _store(package=package, by=by, release=release, content=content, info=info)


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
    return Release.objects.filter(started_long_ago, task_state=TaskState.RUNNING).update(
        task_state=TaskState.FAILED, task_error=STUCK, approved=False
    )


@transaction.atomic
def delete_release(*, release: Release, by: User) -> None:
    """ContentDB's rule: the newest release of an approved package stays unless an admin deletes it
    (a still-importing release may always go), so installed copies always have something to update."""
    package = release.package
    if package.type not in LUANTI_TYPES or not can(by, Action.DELETE_RELEASE, package):
        raise ReleasePermissionDenied("You do not have the permission to delete this release")
    is_admin = by.is_superuser or by.rank >= Rank.ADMIN
    is_processing = release.task_state in (TaskState.PENDING, TaskState.RUNNING)
    has_newer = package.releases.filter(pk__gt=release.pk).exists()
    if not (is_admin or not package.is_approved or is_processing or has_newer):
        raise ReleaseNotDeletable(NOT_DELETABLE)
    delete_release_files(release=release)
    release.delete()
    invalidate_luanti_lists()
