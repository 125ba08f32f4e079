"""Write use cases of the packages app."""

from packages.models import Package
from packages.workflow import force_approve


def approve_package(*, package: Package) -> Package:
    """A moderator's override: approve whatever the current state and whether or not it has releases.

    The review workflow (packages.workflow) does the work, so the command's approval also approves
    waiting screenshots, refreshes the public lists and writes an audit entry.
    """
    return force_approve(package=package)
