"""Template helpers for linking packages: rocks live under /modules/, Luanti content under /packages/."""

import re

from django import template
from django.urls import reverse

from packages.models import Package
from releases.models import Release

register = template.Library()


def package_path(package: Package) -> str:
    """The public page of a package, for templates, sitemaps and redirects."""
    if package.is_rock:
        return reverse("packages:module", args=[package.author.username, package.name])
    return reverse("packages:detail", args=[package.author.username, package.name])


@register.filter
def package_url(package: Package) -> str:
    return package_path(package)


@register.filter
def download_path(release: Release, package: Package) -> str:
    """Where a Luanti release zip is downloaded: the ContentDB face serves this route
    (docs/protocols/contentdb.md) and counts the download."""
    return f"/packages/{package.author.username}/{package.name}/releases/{release.pk}/download/"


# the names packages.screenshots stores; the thumbnail route serves only these
STORED_SCREENSHOT = re.compile(r"screenshots/[A-Za-z0-9_-]{1,64}\.[A-Za-z]{3,4}")


@register.filter
def thumbnail_url(screenshot, level: int = 3) -> str:
    """A screenshot scaled and cropped by the ContentDB face's /thumbnails/<level>/ route, or the
    file itself when it was stored under another name (rows made without the service)."""
    if STORED_SCREENSHOT.fullmatch(screenshot.file.name):
        return f"/thumbnails/{int(level)}/{screenshot.file.name}"
    return screenshot.file.url
