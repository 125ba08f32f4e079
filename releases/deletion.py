"""Deleting releases: a rock version or a whole rock (hard deletes, as on luarocks.org), and a
release of Luanti content (ContentDB's rule keeps the newest of an approved package). Rows go at
once, stored files once the deletion commits; the manifests and lists stop showing them then (their
generations are bumped in the transaction's on_commit).
"""

from django.db import transaction

from accounts.models import Rank, User
from packages.invalidation import invalidate_luanti_lists, invalidate_rock_manifests
from packages.models import LUANTI_TYPES, Package, PackageType
from packages.permissions import Action, can
from releases.errors import NotOwner, ReleaseNotDeletable, ReleasePermissionDenied
from releases.models import Release, TaskState
from releases.storage import delete_release_files

NO_PERMISSION = "Don't have permission to edit"
NOT_DELETABLE = "Unable to delete the release, make sure there's a newer release available"


@transaction.atomic
def delete_rock_version(*, by: User, release: Release) -> None:
    """Delete one version of a rock with its rockspec and rocks (its own people, or editors up)."""
    package = release.package
    if package.type != PackageType.ROCK or not can(by, Action.DELETE_RELEASE, package):
        raise NotOwner(NO_PERMISSION)
    delete_release_files(release=release)
    release.delete()
    invalidate_rock_manifests(author_id=package.author_id)


@transaction.atomic
def delete_rock(*, by: User, package: Package) -> None:
    """Delete a rock module with every version and file (its own people, or moderators up).

    Its name leaves the root manifest with it, so another user's rock of that name may claim it.
    """
    if package.type != PackageType.ROCK or not can(by, Action.DELETE_PACKAGE, package):
        raise NotOwner(NO_PERMISSION)
    for release in package.releases.prefetch_related("files"):
        delete_release_files(release=release)
    author_id = package.author_id
    package.delete()
    invalidate_rock_manifests(author_id=author_id)


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
