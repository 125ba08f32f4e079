"""Releases of Luanti content from an uploaded zip, and what every Luanti release shares: its name
and notes, who may make one, and storing the checked zip with the package's provides and
dependencies (git imports end there too: releases.git_releases, releases.tasks).

A zip is inspected completely (releases.zips) before any row is written; then the release row, its
stored zip and the package's provides/dependencies are written in one transaction inside
`files_removed_on_error()`, so a failure leaves neither rows nor files.

Limits (why): release name and title at most 100 characters (ContentDB's title column; a name is a
version string), release notes at most 10,000 characters (ContentDB's web form allows 5,000, its API
is unlimited; 10,000 covers long changelogs without letting one request fill a page), at most 5
releases of one package in 5 minutes (ContentDB's rate limit). Zip limits are in releases.zips; the upload's size
limits are settings (MAX_RELEASE_ZIP_SIZE, MAX_RELEASE_UNPACKED_SIZE: ContentDB's 100 MB and 300 MB).

An uploaded zip is never read whole into memory: Django streams it to a temporary file, the checks
read it in pieces, the hash is computed in chunks and storage copies (or moves) the file.
"""

import re
from datetime import timedelta
from typing import overload

from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from media_tools.limits import count_upload
from media_tools.storage import files_removed_on_error
from packages.games import update_game_support
from packages.invalidation import invalidate_luanti_lists
from packages.models import (
    LUANTI_TYPES,
    LuantiVersion,
    MetaPackage,
    Package,
    PackageDependency,
    PackageState,
    PackageType,
)
from packages.notifications import notify_new_release
from packages.permissions import Action, can, refusal_message
from packages.translations import record_release_translations
from releases.errors import (
    GitImportFailed,
    InvalidLuantiContent,
    InvalidReleaseRequest,
    InvalidReleaseZip,
    ReleaseExists,
    ReleasePermissionDenied,
    TooManyReleases,
)
from releases.luanti_conf import ContentInfo, conf_luanti_version
from releases.models import FileKind, Release, TaskState
from releases.storage import save_release_file
from releases.zips import MiB, ZipLimits, inspect_release_zip

MAX_TITLE = 100
MAX_NOTES = 10_000
RATE_COUNT, RATE_WINDOW = 5, timedelta(minutes=5)
COMMIT = re.compile(r"[0-9a-f]{40}")

NO_PERMISSION = "You do not have the permission to make releases of this package"


def upload_zip_limits() -> ZipLimits:
    return ZipLimits(
        max_size=settings.MAX_RELEASE_ZIP_SIZE,
        max_total_uncompressed=settings.MAX_RELEASE_UNPACKED_SIZE,
    )


@overload
def clean_text(value: str, *, what: str, limit: int) -> str: ...
@overload
def clean_text(value: None, *, what: str, limit: int) -> None: ...
@overload
def clean_text(value: str | None, *, what: str, limit: int) -> str | None: ...
def clean_text(value: str | None, *, what: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > limit:
        raise InvalidReleaseRequest(f"{what} must be at most {limit} characters", field=what)
    if "\x00" in value:
        raise InvalidReleaseRequest(f"{what} must not contain NUL characters", field=what)
    return value


def release_names(name: str | None, title: str | None) -> tuple[str, str]:
    """ContentDB's defaults: each of name and title falls back to the other; one is required."""
    given_name, given_title = (name or "").strip(), (title or "").strip()
    if not given_name and not given_title:
        raise InvalidReleaseRequest("name is required in the POST data")
    name, title = given_name or given_title, given_title or given_name
    # the cleaned values: a bare CR is a line end too, so "one\rtwo" is not one line
    title = clean_text(title, what="title", limit=MAX_TITLE)
    name = clean_text(name, what="name", limit=MAX_TITLE)
    if "\n" in name or "\n" in title:
        raise InvalidReleaseRequest("name and title must be one line")
    return name, title


def check_can_release(
    *, package: Package, by: User, name: str, title: str, rate_limited: bool = True
) -> None:
    if package.type not in LUANTI_TYPES or not can(by, Action.MAKE_RELEASE, package):
        raise ReleasePermissionDenied(
            refusal_message(by, Action.MAKE_RELEASE, package, default=NO_PERMISSION)
        )
    if rate_limited:
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


def _zip_file(file: bytes | UploadedFile) -> tuple[str, bytes | UploadedFile]:
    """The upload's name and the upload itself: checked and stored in pieces, never read whole."""
    if isinstance(file, bytes):
        return "release.zip", file
    limit = settings.MAX_RELEASE_ZIP_SIZE
    if file.size is not None and file.size > limit:
        raise InvalidReleaseZip(f"The zip is larger than {limit // MiB} MiB")
    file.seek(0)
    return file.name or "", file


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
    rate_limited: bool = True,
) -> Release:
    """A release from an uploaded zip, live at once when `by` may approve releases.

    min/max Luanti versions given here win over the `.conf` keys. Raises InvalidReleaseRequest,
    InvalidReleaseZip, InvalidLuantiContent, ReleasePermissionDenied, ReleaseExists, TooManyReleases,
    UploadLimitReached. `rate_limited=False` is the operator's authority (the import commands):
    neither the account's upload limit nor the 5 releases in 5 minutes apply. No face passes it.
    """
    if rate_limited:
        count_upload(user_id=by.pk)
    name, title = release_names(name, title)
    notes = clean_text(release_notes, what="release_notes", limit=MAX_NOTES)
    if commit is not None and commit != "":
        commit = commit.strip().lower()
        if not COMMIT.fullmatch(commit):
            raise InvalidReleaseRequest(
                "Invalid commit hash; it must be a 40 character long base16 string"
            )
    else:
        commit = None
    filename, content = _zip_file(file)
    if not filename:
        raise InvalidReleaseRequest("Expected file")
    if not filename.lower().endswith(".zip"):
        raise InvalidReleaseRequest("Please upload a zip file")
    check_can_release(package=package, by=by, name=name, title=title, rate_limited=rate_limited)
    info = inspect_release_zip(
        content,
        package_type=package.type,
        package_name=package.name,
        limits=upload_zip_limits(),
        approved=package.is_approved,
    )
    with files_removed_on_error():
        return store_release(
            package=package,
            by=by,
            release=Release(
                package=package, name=name, title=title, release_notes=notes, commit=commit
            ),
            content=content,
            info=info,
            min_luanti=min_luanti,
            max_luanti=max_luanti,
            rate_limited=rate_limited,
        )


@transaction.atomic
def store_release(
    *,
    package: Package,
    by: User,
    release: Release,
    content: bytes | File[bytes],
    info: ContentInfo,
    min_luanti: LuantiVersion | None = None,
    max_luanti: LuantiVersion | None = None,
    rate_limited: bool = True,
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
        if rate_limited:
            _check_rate(package)
        if package.releases.filter(title__iexact=release.title).exists():
            raise ReleaseExists("A release with this title already exists")
    if package.type == PackageType.MOD and not package.is_approved:
        _check_dependencies_fulfilled(package=package, info=info)
    release.min_luanti_version = min_luanti or conf_luanti_version(
        info.conf.get("min_minetest_version")
    )
    release.max_luanti_version = max_luanti or conf_luanti_version(
        info.conf.get("max_minetest_version")
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
    record_release_translations(
        package=package,
        by=by,
        languages=info.translations.languages,
        texts=info.translations.texts(
            title=package.title, short_description=package.short_description
        ),
    )
    update_game_support(package=package, conf=info.conf)
    invalidate_luanti_lists()
    if release.approved:
        notify_new_release(package=package, release_title=release.title or release.name, by=by)
    return release


def _check_dependencies_fulfilled(*, package: Package, info: ContentInfo) -> None:
    """ContentDB's game-support check, for a mod not yet approved: each hard dependency it does not
    provide itself must be provided by an approved mod or game, or the release fails."""
    hard, _ = info.dependencies()
    provided = set(
        MetaPackage.objects.filter(
            name__in=hard,
            providers__state=PackageState.APPROVED,
            providers__type__in=[PackageType.MOD, PackageType.GAME],
        ).values_list("name", flat=True)
    )
    missing = [name for name in hard if name not in provided]
    if missing:
        raise InvalidLuantiContent(
            f"Error validating game support:\n\n- Unable to fulfill dependency {missing[0]}"
        )


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
