"""Approving releases that wait (ContentDB: the package's people or approvers up approve releases;
git imports and releases made by someone who may not approve them wait in the moderation queue)."""

from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.models import User
from packages.history import change_severity
from packages.invalidation import invalidate_luanti_lists, invalidate_rock_manifests
from packages.notifications import notify_new_release
from packages.permissions import Action, can
from releases.errors import ReleasePermissionDenied
from releases.models import Release


@transaction.atomic
def approve_release(*, by: User, release: Release) -> Release:
    if not can(by, Action.APPROVE_RELEASE, release):
        raise ReleasePermissionDenied("You do not have the permission to approve releases.")
    release = (
        Release.objects.select_for_update().select_related("package__author").get(pk=release.pk)
    )
    if release.approved:
        return release
    release.approved = True
    release.approved_at = timezone.now()
    release.save(update_fields=["approved", "approved_at", "updated_at"])
    package = release.package
    if package.is_rock:
        invalidate_rock_manifests(author_id=package.author_id)
    else:
        invalidate_luanti_lists()
    record(
        causer=by,
        action="release.approve",
        title=f"Approved release {release.name} of {package.title}",
        severity=change_severity(by=by, package=package),
        package=package,
        target=f"{package.key} {release.name}",
        diff={"approved": (False, True)},
    )
    notify_new_release(package=package, release_title=release.title or release.name, by=by)
    return release
