"""The site as a whole: the homepage sections (`/api/homepage/`) and the last 30 days of downloads
of every package (`/api/package_stats/`)."""

from django.db.models import Count, F, Max, Sum
from rest_framework.response import Response

from packages.models import PackageType
from packages.selectors import luanti_packages
from packages.stats import all_packages_stats
from registry.contentdb.base import ContentDBView
from registry.contentdb.serializers import short_dict
from releases.selectors import short_package_rows


class HomepageView(ContentDBView):
    cache_max_age = 300

    def get(self, request):
        packages = luanti_packages()
        totals = packages.aggregate(count=Count("id"), downloads=Sum("downloads"))

        def shorts(queryset, limit: int) -> list[dict]:
            return [short_dict(row) for row in short_package_rows(queryset[:limit])]

        reviewed = packages.filter(reviews__approved=True).distinct()
        return Response(
            {
                "count": totals["count"] or 0,
                "downloads": totals["downloads"] or 0,
                "new": shorts(packages.order_by("-approved_at", "-id"), 4),
                "updated": shorts(
                    packages.annotate(last=Max("releases__created_at"))
                    .filter(last__isnull=False)
                    .order_by("-last", "-id"),
                    4,
                ),
                "pop_mod": shorts(
                    packages.filter(type=PackageType.MOD).order_by("-score", "-id"), 8
                ),
                "pop_txp": shorts(
                    packages.filter(type=PackageType.TXP).order_by("-score", "-id"), 8
                ),
                "pop_game": shorts(
                    packages.filter(type=PackageType.GAME).order_by("-score", "-id"), 8
                ),
                "high_reviewed": shorts(
                    reviewed.annotate(review_score=F("score") - F("score_downloads")).order_by(
                        "-review_score", "-id"
                    ),
                    4,
                ),
            }
        )


class PackageStatsListView(ContentDBView):
    cache_max_age = 900

    def get(self, request):
        return Response(all_packages_stats())
