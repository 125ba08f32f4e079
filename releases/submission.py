"""Submitting a Luanti package for review: the review workflow's move (packages.workflow), once the
package has a finished release (ContentDB's validate_package_for_approval), which only this app
can tell."""

from accounts.models import User
from packages import workflow
from packages.models import Package
from releases.models import Release, TaskState


def has_finished_release(package: Package) -> bool:
    return Release.objects.filter(package=package, task_state=TaskState.DONE).exists()


def submit_for_review(*, by: User, package: Package) -> Package:
    """Put the package in the moderation queue (approved at once for who may approve it)."""
    return workflow.submit_for_review(by=by, package=package, is_complete=has_finished_release)
