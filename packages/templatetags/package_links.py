"""Template helpers for linking packages: rocks live under /modules/, Luanti content under /packages/."""

from django import template
from django.urls import reverse

from packages.models import Package

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
def thumbnail_url(screenshot, level: int = 3) -> str:
    """A screenshot scaled and cropped by the ContentDB face's /thumbnails/<level>/ route."""
    return f"/thumbnails/{int(level)}/{screenshot.file.name}"
