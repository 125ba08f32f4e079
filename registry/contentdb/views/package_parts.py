"""Per-package reads: releases, screenshots, reviews and daily stats."""

from datetime import date

from django.http import JsonResponse
from rest_framework.response import Response

from packages.models import Review, Screenshot
from packages.stats import package_stats
from registry.contentdb.base import ContentDBError
from registry.contentdb.hypertext_fields import reviews_hypertext
from registry.contentdb.serializers import release_dict, review_dict, screenshot_dict
from registry.contentdb.views.common import PackageView, required_int_param
from releases.selectors import package_releases, zip_size

RELEASE_NOT_FOUND = "Release not found"
SCREENSHOT_NOT_FOUND = "Screenshot not found"


class PackageReleaseListView(PackageView):
    def get(self, request, author: str, name: str):
        package = self.package(author, name)
        releases = package_releases(
            package=package, include_unapproved=self.can_see_unapproved(package)
        )
        return Response([release_dict(r, size=zip_size(r)) for r in releases])


class PackageReleaseView(PackageView):
    def get(self, request, author: str, name: str, release_id: int):
        package = self.package(author, name)
        releases = package_releases(
            package=package, include_unapproved=self.can_see_unapproved(package)
        )
        release = releases.filter(pk=release_id).first()
        if release is None:
            raise ContentDBError(RELEASE_NOT_FOUND, 404)
        return Response(release_dict(release, size=zip_size(release)))


def _screenshots(view: PackageView, package):
    shots = Screenshot.objects.filter(package=package).order_by("order", "id")
    if not view.can_see_unapproved(package):
        shots = shots.filter(approved=True)
    return shots


class PackageScreenshotListView(PackageView):
    def get(self, request, author: str, name: str):
        package = self.package(author, name)
        return Response([screenshot_dict(s) for s in _screenshots(self, package)])


class PackageScreenshotView(PackageView):
    def get(self, request, author: str, name: str, screenshot_id: int):
        package = self.package(author, name)
        shot = _screenshots(self, package).filter(pk=screenshot_id).first()
        if shot is None:
            raise ContentDBError(SCREENSHOT_NOT_FOUND, 404)
        return Response(screenshot_dict(shot))


class PackageReviewListView(PackageView):
    """Approved reviews, most helpful first, then newest (ContentDB's order)."""

    def get(self, request, author: str, name: str):
        package = self.package(author, name)
        reviews = sorted(
            Review.objects.filter(package=package, approved=True).select_related(
                "author", "thread"
            ),
            key=lambda r: (-(r.helpful - r.unhelpful), -r.created_at.timestamp(), -r.pk),
        )
        return Response([review_dict(r) for r in reviews])


class PackageForClientReviewsView(PackageView):
    """The newest client's Reviews tab: one hypertext object (docs/protocols/luanti-client.md 4)."""

    cache_max_age = 300

    def get(self, request, author: str, name: str):
        formspec_version = required_int_param(request, "formspec_version")
        package = self.package(author, name)
        reviews = sorted(
            Review.objects.filter(package=package, approved=True).select_related("author"),
            key=lambda r: (-(r.helpful - r.unhelpful), -r.created_at.timestamp(), -r.pk),
        )
        return Response(reviews_hypertext(reviews, formspec_version=formspec_version))


def date_param(request, name: str) -> date | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ContentDBError(f"{name} must be a date like 2022-10-01", 400) from None


class PackageStatsView(PackageView):
    """Daily stats, or null when there is no data in the range (EXPERIMENTAL in ContentDB)."""

    cache_max_age = 300

    def get(self, request, author: str, name: str):
        package = self.package(author, name)
        start, end = date_param(request, "start"), date_param(request, "end")
        # JsonResponse: DRF renders None as an empty body, ContentDB answers `null`
        return JsonResponse(package_stats(package=package, start=start, end=end), safe=False)
