"""The package detail dict that write answers carry (`{"success": true, "package": ...}`): the
same builder as GET /api/packages/<author>/<name>/, so a write answers what a read would show."""

from packages.errors import NoSuchPackage
from packages.models import Package
from packages.selectors import PACKAGE_NOT_FOUND, package_by_key
from registry.contentdb.views.packages import detail


def package_answer(package: Package, request) -> dict:
    fresh = package_by_key(
        author=package.author.username, name=package.name, rock=False, detailed=True
    )
    if fresh is None:  # deleted between the write and this answer
        raise NoSuchPackage(PACKAGE_NOT_FOUND)
    data, _ = detail(fresh, request, include_unapproved=True)
    return data
