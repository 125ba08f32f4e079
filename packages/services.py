"""Write use cases of the packages app."""

from django.db import transaction
from django.utils import timezone

from packages.models import Package, PackageState


@transaction.atomic
def approve_package(*, package: Package) -> Package:
    """A moderator's override: approve whatever the current state and whether or not it has releases."""
    package = Package.objects.select_for_update().get(pk=package.pk)
    if package.state != PackageState.APPROVED:
        package.state = PackageState.APPROVED
        package.approved_at = package.approved_at or timezone.now()
        package.save(update_fields=["state", "approved_at", "updated_at"])
    return package
