"""Read-only queries over Luanti releases, with their joins already made."""

from django.db.models import Prefetch, QuerySet

from packages.models import LuantiVersion, Package
from packages.queries import compatible_releases, luanti_packages
from releases.models import FileKind, Release, ReleaseFile, TaskState


def _with_joins(releases: QuerySet[Release]) -> QuerySet[Release]:
    """Everything a release dict shows: package and author, versions, and the zip (as `zips`)."""
    return releases.select_related(
        "package__author", "min_luanti_version", "max_luanti_version"
    ).prefetch_related(
        Prefetch("files", queryset=ReleaseFile.objects.filter(kind=FileKind.ZIP), to_attr="zips")
    )


def zip_size(release: Release) -> int:
    zips = getattr(release, "zips", None)
    if zips is None:
        zips = list(release.files.filter(kind=FileKind.ZIP))
    return zips[0].size if zips else 0


def package_releases(*, package: Package, include_unapproved: bool) -> QuerySet[Release]:
    """A package's releases, newest first; the public sees approved, finished ones only."""
    releases = Release.objects.filter(package=package)
    if not include_unapproved:
        releases = releases.filter(approved=True, task_state=TaskState.DONE)
    return _with_joins(releases.order_by("-created_at", "-id"))


def recent_releases(
    *, author_id: int | None = None, maintainer_id: int | None = None, limit: int = 30
) -> list[Release]:
    """The newest approved releases of approved Luanti packages (ContentDB's /api/releases/)."""
    packages = luanti_packages()
    if author_id is not None:
        packages = packages.filter(author_id=author_id)
    if maintainer_id is not None:
        packages = packages.filter(maintainers__id=maintainer_id)
    releases = Release.objects.filter(
        approved=True, task_state=TaskState.DONE, package__in=packages.values("pk")
    ).order_by("-created_at", "-id")
    return list(_with_joins(releases)[:limit])


def latest_compatible_release(*, package: Package, version: LuantiVersion | None) -> Release | None:
    """The release a client should install: the highest id among approved compatible ones."""
    return _with_joins(compatible_releases(version).filter(package=package)).order_by("-id").first()


def release_zip(*, release: Release) -> ReleaseFile | None:
    return release.files.filter(kind=FileKind.ZIP).first()
