"""Deleting a rock version or a whole rock: rows at once, stored files once the deletion commits.

Both are hard deletes, as on luarocks.org: the files stop being served and the manifests stop listing
them as soon as the transaction commits (the manifest generations are bumped in its on_commit).
"""

from django.db import transaction

from accounts.models import User
from packages.models import Package, PackageType
from packages.permissions import Action, can
from releases.cache import invalidate_rock_manifests
from releases.errors import NotOwner
from releases.models import Release
from releases.storage import delete_release_files

NO_PERMISSION = "Don't have permission to edit"


@transaction.atomic
def delete_rock_version(*, user: User, release: Release) -> None:
    """Delete one version of a rock with its rockspec and rocks (its own people, or editors up)."""
    package = release.package
    if package.type != PackageType.ROCK or not can(user, Action.DELETE_RELEASE, package):
        raise NotOwner(NO_PERMISSION)
    delete_release_files(release=release)
    release.delete()
    invalidate_rock_manifests(author_id=package.author_id)


@transaction.atomic
def delete_rock(*, user: User, package: Package) -> None:
    """Delete a rock module with every version and file (its own people, or moderators up).

    Its name leaves the root manifest with it, so another user's rock of that name may claim it.
    """
    if package.type != PackageType.ROCK or not can(user, Action.DELETE_PACKAGE, package):
        raise NotOwner(NO_PERMISSION)
    for release in package.releases.prefetch_related("files"):
        delete_release_files(release=release)
    author_id = package.author_id
    package.delete()
    invalidate_rock_manifests(author_id=author_id)
