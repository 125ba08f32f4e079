"""The review workflow: moving a package between states, as ContentDB's `PACKAGE_STATE_FLOW` allows.

    WIP ------------> READY_FOR_REVIEW --> APPROVED
    CHANGES_NEEDED -> READY_FOR_REVIEW --> CHANGES_NEEDED (with the moderator's comment)
    READY_FOR_REVIEW -> WIP (withdrawn by its own people)
    APPROVED -------> CHANGES_NEEDED
    any but DELETED -> DELETED (soft) --> restored by a moderator

Every move asks the permission table, locks the row, writes an audit entry and, when what the
public sees changes, bumps the cache generations of the lists or manifests that show the package.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditSeverity, User
from packages.errors import InvalidModerationInput, InvalidStateTransition, NotAllowed
from packages.games import update_dependents, update_game_support
from packages.history import change_severity
from packages.invalidation import invalidate_luanti_lists, invalidate_rock_manifests
from packages.models import Package, PackageState, Screenshot
from packages.permissions import Action, can, is_own_package
from packages.threads import Event, post_state_change

COMMENT_LENGTH = 2000
REASON_LENGTH = 500

SUBMITTABLE = {PackageState.WIP, PackageState.CHANGES_NEEDED}


@transaction.atomic
def submit_for_review(
    *, by: User, package: Package, is_complete: Callable[[Package], bool]
) -> Package:
    """Put the package in the moderation queue; a user who may approve it approves it at once.

    `is_complete(package)` tells whether it has what a review needs (a finished release, which the
    releases app knows: call releases.submission.submit_for_review); it is asked after the
    permission and state checks, with the package row locked."""
    package = _lock(package)
    _require(by, Action.SUBMIT_FOR_REVIEW, package)
    if package.state not in SUBMITTABLE:
        raise InvalidStateTransition(
            f"{package.title} is {package.get_state_display().lower()}; only a work in progress "
            "or a package that needed changes can be submitted for review."
        )
    if not is_complete(package):
        # ContentDB blocks a submission without a finished release (validate_package_for_approval)
        raise InvalidStateTransition(f"{package.title} needs a release before it can be reviewed.")
    if is_own_package(by, package) and can(by, Action.APPROVE_PACKAGE, package):
        # Trusted members (and staff on their own packages) skip the queue, as issue #10 allows.
        return _mark_approved(package=package, by=by)
    old = package.state
    package.state = PackageState.READY_FOR_REVIEW
    package.submitted_at = timezone.now()
    package.save(update_fields=["state", "submitted_at", "updated_at"])
    _audit(by, package, "package.submit", f"Marked {package.title} as ready for review", old)
    post_state_change(package=package, by=by, event=Event.SUBMITTED)
    return package


@transaction.atomic
def withdraw_from_review(*, by: User, package: Package) -> Package:
    """Back to work in progress (ContentDB: a listed maintainer, or an admin)."""
    package = _lock(package)
    if not (can(by, Action.EDIT_PACKAGE, package) and is_own_package(by, package)):
        _require(by, Action.RESTORE_PACKAGE, package)  # moderators and admins may too
    _require_state(package, PackageState.READY_FOR_REVIEW, "withdrawn from review")
    package.state = PackageState.WIP
    package.save(update_fields=["state", "updated_at"])
    _audit(
        by,
        package,
        "package.withdraw",
        f"Marked {package.title} as work in progress",
        PackageState.READY_FOR_REVIEW,
    )
    post_state_change(package=package, by=by, event=Event.WITHDRAWN)
    return package


@transaction.atomic
def approve(*, by: User, package: Package) -> Package:
    """Approve a package waiting for review: it appears in every public list and manifest."""
    package = _lock(package)
    _require(by, Action.APPROVE_PACKAGE, package)
    _require_state(package, PackageState.READY_FOR_REVIEW, "approved")
    return _mark_approved(package=package, by=by)


@transaction.atomic
def approve_package(*, package: Package, by: User | None = None) -> Package:
    """A moderator's override from the command line: approve whatever the state and releases."""
    package = _lock(package)
    if package.state == PackageState.APPROVED:
        return package
    return _mark_approved(package=package, by=by)


@transaction.atomic
def request_changes(*, by: User, package: Package, comment: str) -> Package:
    """Send a package back to its people with a comment they see; unlists it if it was approved."""
    comment = (comment or "").strip()
    if not comment:
        raise InvalidModerationInput(
            "Say what needs to change: the comment is shown to the author."
        )
    if len(comment) > COMMENT_LENGTH:
        raise InvalidModerationInput(f"The comment is longer than {COMMENT_LENGTH} characters.")
    package = _lock(package)
    _require(by, Action.REQUEST_CHANGES, package)
    old = package.state
    if old not in {PackageState.READY_FOR_REVIEW, PackageState.APPROVED}:
        raise InvalidStateTransition(
            f"{package.title} is {package.get_state_display().lower()}; changes can be requested "
            "only on a package that is ready for review or approved."
        )
    package.state = PackageState.CHANGES_NEEDED
    package.state_comment = comment
    package.save(update_fields=["state", "state_comment", "updated_at"])
    if old == PackageState.APPROVED:
        _invalidate_public(package)
    _audit(
        by,
        package,
        "package.request_changes",
        f"Marked {package.title} as changes needed",
        old,
        description=comment,
        severity=AuditSeverity.MODERATION if old == PackageState.APPROVED else None,
    )
    post_state_change(package=package, by=by, event=Event.CHANGES_REQUESTED, text=comment)
    return package


@transaction.atomic
def delete_package(*, by: User, package: Package, reason: str = "") -> Package:
    """Soft delete: hidden from everyone below moderator, files and rows kept for a restore."""
    reason = (reason or "").strip()
    if len(reason) > REASON_LENGTH:
        raise InvalidModerationInput(f"The reason is longer than {REASON_LENGTH} characters.")
    package = _lock(package)
    _require(by, Action.DELETE_PACKAGE, package)
    if package.state == PackageState.DELETED:
        raise InvalidStateTransition(f"{package.title} is already deleted.")
    old = package.state
    package.state = PackageState.DELETED
    package.save(update_fields=["state", "updated_at"])
    _invalidate_public(package)  # also drops it from the owner's own manifest
    _audit(
        by,
        package,
        "package.delete",
        f"Deleted {package.title}, reason={reason or '?'}",
        old,
        severity=AuditSeverity.MODERATION,
    )
    post_state_change(package=package, by=by, event=Event.DELETED, text=reason)
    return package


@transaction.atomic
def restore_package(*, by: User, package: Package) -> Package:
    """Undo a deletion. Rocks come back public, as luarocks.org has no review; Luanti content goes
    back to the queue (ContentDB's DELETED -> READY_FOR_REVIEW)."""
    package = _lock(package)
    _require(by, Action.RESTORE_PACKAGE, package)
    _require_state(package, PackageState.DELETED, "restored")
    if package.is_rock:
        package.state = PackageState.APPROVED
        package.approved_at = package.approved_at or timezone.now()
    else:
        package.state = PackageState.READY_FOR_REVIEW
        package.submitted_at = timezone.now()
    package.save(update_fields=["state", "approved_at", "submitted_at", "updated_at"])
    _invalidate_public(package)
    _audit(
        by,
        package,
        "package.restore",
        f"Restored {package.title} as {package.get_state_display().lower()}",
        PackageState.DELETED,
        severity=AuditSeverity.MODERATION,
    )
    post_state_change(package=package, by=by, event=Event.RESTORED)
    return package


def _mark_approved(*, package: Package, by: User | None) -> Package:
    old = package.state
    package.state = PackageState.APPROVED
    package.approved_at = package.approved_at or timezone.now()  # the first approval only
    package.state_comment = ""
    package.save(update_fields=["state", "approved_at", "state_comment", "updated_at"])
    # ContentDB approves the package's waiting screenshots with it.
    Screenshot.objects.filter(package=package, approved=False).update(approved=True)
    if not package.is_rock:  # ContentDB recomputes game support on approval
        update_game_support(package=package)
    _invalidate_public(package)
    _audit(by, package, "package.approve", f"Approved {package.title}", old)
    if old != PackageState.APPROVED:
        post_state_change(package=package, by=by, event=Event.APPROVED)
    return package


def _invalidate_public(package: Package) -> None:
    if package.is_rock:
        invalidate_rock_manifests(author_id=package.author_id)
    else:
        if package.state != PackageState.APPROVED:  # what it provided no longer counts
            update_dependents(package=package)
        invalidate_luanti_lists()


def _audit(
    by: User | None,
    package: Package,
    action: str,
    title: str,
    old_state: str,
    *,
    description: str = "",
    severity: AuditSeverity | None = None,
) -> None:
    if severity is None:
        severity = change_severity(by=by, package=package)
    record(
        causer=by,
        action=action,
        title=title,
        severity=severity,
        package=package,
        diff={"state": (old_state, package.state)},
        description=description,
    )


def _lock(package: Package) -> Package:
    return Package.objects.select_for_update().select_related("author").get(pk=package.pk)


def _require(by: User, action: Action, package: Package) -> None:
    if not can(by, action, package):
        raise NotAllowed("You don't have permission to do that.")


def _require_state(package: Package, state: PackageState, verb: str) -> None:
    if package.state != state:
        raise InvalidStateTransition(
            f"{package.title} is {package.get_state_display().lower()}; only a package that is "
            f"{state.label.lower()} can be {verb}."
        )
