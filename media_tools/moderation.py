"""Approving screenshots that wait (ContentDB's APPROVE_SCREENSHOT: approvers up, or the package's
people when trusted; approving the package approves its screenshots too, see packages.workflow)."""

from django.db import transaction

from accounts.audit import record
from accounts.models import AuditSeverity, User
from media_tools.models import Screenshot
from packages.errors import NotAllowed
from packages.permissions import Action, can, is_own_package
from releases.cache import invalidate_luanti_lists


@transaction.atomic
def approve_screenshot(*, by: User, screenshot: Screenshot) -> Screenshot:
    if not can(by, Action.APPROVE_SCREENSHOT, screenshot):
        raise NotAllowed("You do not have the permission to approve screenshots.")
    screenshot = (
        Screenshot.objects.select_for_update().select_related("package").get(pk=screenshot.pk)
    )
    if not screenshot.approved:
        screenshot.approved = True
        screenshot.save(update_fields=["approved"])
        package = screenshot.package
        invalidate_luanti_lists()  # the lists show a package's first approved screenshot
        record(
            causer=by,
            action="screenshot.approve",
            title=f"Approved screenshot {screenshot.title!r} of {package.title}",
            severity=AuditSeverity.NORMAL if is_own_package(by, package) else AuditSeverity.EDITOR,
            package=package,
            diff={"approved": (False, True)},
        )
    return screenshot
