"""Download counters of release files, their releases and packages."""

from django.db import transaction
from django.db.models import F

from packages.models import Package
from releases.models import Release, ReleaseFile


@transaction.atomic
def count_download(*, release_file: ReleaseFile) -> None:
    """One download of `release_file`: +1 on the file, its release and its package.

    Three `UPDATE ... SET downloads = downloads + 1` statements (F() expressions): no row is read or
    locked before the write, and each row lock lasts only until this short transaction commits, never
    across the request that streams the file.
    """
    ReleaseFile.objects.filter(pk=release_file.pk).update(downloads=F("downloads") + 1)
    Release.objects.filter(pk=release_file.release_id).update(downloads=F("downloads") + 1)
    Package.objects.filter(
        pk=Release.objects.filter(pk=release_file.release_id).values("package_id")[:1]
    ).update(downloads=F("downloads") + 1)
