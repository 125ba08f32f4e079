"""A package's history: the audit entries about it, who may read them, and how an entry about a
change to a package is graded.

The entries themselves are written with accounts.audit.record in the transaction of each change.
"""

from django.db.models import QuerySet

from accounts.models import AuditLogEntry, AuditSeverity, User
from packages.models import Package
from packages.permissions import Action, Viewer, can, is_own_package


def package_audit_log(*, package: Package, viewer: Viewer) -> QuerySet[AuditLogEntry]:
    """A package's own entries, newest first, for its people and moderators; empty for others."""
    if not can(viewer, Action.VIEW_AUDIT_LOG, package):
        return AuditLogEntry.objects.none()
    return AuditLogEntry.objects.filter(package=package).select_related("causer")


def change_severity(*, by: User | None, package: Package) -> AuditSeverity:
    """The grade of a change to a package: NORMAL when its own people make it (author or
    maintainer), EDITOR when somebody else does (staff acting on another's package)."""
    if by is not None and is_own_package(by, package):
        return AuditSeverity.NORMAL
    return AuditSeverity.EDITOR
