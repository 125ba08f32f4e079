"""The package detail dict that write answers carry (`{"success": true, "package": ...}`)."""

from packages.models import Package
from packages.queries import compatible_releases
from registry.contentdb.serializers import package_dict


def package_answer(package: Package) -> dict:
    package = (
        Package.objects.select_related("author", "license", "media_license")
        .prefetch_related("maintainers", "tags", "content_warnings", "provides", "screenshots")
        .get(pk=package.pk)
    )
    release_id = (
        compatible_releases(None)
        .filter(package=package)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return package_dict(package, release_id=release_id, game_support=[])
