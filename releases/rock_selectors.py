"""Read-only look-ups of rocks and their releases for the upload API."""

from accounts.models import User
from packages.models import Package, PackageType
from releases.models import FileKind, Release, ReleaseFile


def user_rock(*, user: User, name: str) -> Package | None:
    """`user`'s own rock called `name`, case-insensitively (other users' rocks are invisible)."""
    return (
        Package.objects.select_related("author")
        .filter(author=user, type=PackageType.ROCK, name__iexact=name)
        .first()
    )


def rock_release(*, package: Package, version: str) -> Release | None:
    """A release of the rock by version, case-insensitively (`1.0RC1-1` finds `1.0rc1-1`)."""
    return package.releases.filter(name__iexact=version).first()


def rock_release_by_id(*, release_id: int) -> Release | None:
    return (
        Release.objects.select_related("package", "package__author")
        .filter(pk=release_id, package__type=PackageType.ROCK)
        .first()
    )


def current_release_id(*, package: Package) -> int | None:
    """The newest uploaded version, luarocks.org's `current_version_id`."""
    return package.releases.order_by("-created_at", "-id").values_list("pk", flat=True).first()


def rockspec_file(*, release: Release) -> ReleaseFile | None:
    return release.files.filter(kind=FileKind.ROCKSPEC).first()
