"""Reads that are not about one package: releases feed, reviews, users, collections, reference
data, homepage, the .cdb.json schema and the all-packages stats."""

from django.db.models import Count, F, Max, Sum
from django.http import JsonResponse
from rest_framework.response import Response

from accounts.models import Rank
from accounts.selectors import user_by_username
from packages.errors import NoSuchPackage, PackageMoved
from packages.models import (
    AIDisclosure,
    Collection,
    CollectionItem,
    ContentWarning,
    DevState,
    Language,
    License,
    LuantiVersion,
    PackageType,
    Review,
    Tag,
)
from packages.selectors import (
    luanti_packages,
    package_for_action,
    resolve_luanti_version,
    visible_packages,
)
from packages.stats import all_packages_stats, user_stats
from registry.contentdb.base import ContentDBError, ContentDBView
from registry.contentdb.inputs import is_yes
from registry.contentdb.pagination import paginate
from registry.contentdb.serializers import iso, release_dict, review_dict, short_dict, user_dict
from registry.contentdb.views.common import int_param
from registry.contentdb.views.package_parts import date_param
from releases.selectors import recent_releases, short_package_rows, zip_size

USER_NOT_FOUND = "User not found"


def _user_or_404(username: str, message: str = USER_NOT_FOUND):
    user = user_by_username(username=username[:150])
    if user is None:
        raise ContentDBError(message, 404)
    return user


class ReleaseListView(ContentDBView):
    def get(self, request):
        author = request.query_params.get("author")
        maintainer = request.query_params.get("maintainer")
        author_id = _user_or_404(author, "Author not found").pk if author else None
        maintainer_id = _user_or_404(maintainer, "Maintainer not found").pk if maintainer else None
        releases = recent_releases(author_id=author_id, maintainer_id=maintainer_id)
        return Response([release_dict(r, size=zip_size(r), package=r.package) for r in releases])


class ReviewListView(ContentDBView):
    """Approved reviews of listed packages, newest first, paginated (n at most 200)."""

    def get(self, request):
        params = request.query_params
        reviews = Review.objects.filter(
            approved=True, package__in=luanti_packages().values("pk")
        ).select_related("author", "package__author")
        if params.get("for_user"):
            reviews = reviews.filter(package__author__username__iexact=params["for_user"])
        if params.get("author"):
            reviews = reviews.filter(author__username__iexact=params["author"])
        rating = int_param(request, "rating")
        if rating is not None:
            reviews = reviews.filter(rating=rating)
        if params.get("is_positive"):
            positive = is_yes(params["is_positive"])
            reviews = reviews.filter(rating__gt=3) if positive else reviews.filter(rating__lte=3)
        if params.get("q"):
            reviews = reviews.filter(title__icontains=params["q"][:100])
        return Response(
            paginate(
                request,
                reviews.order_by("-created_at", "-id"),
                serialize=lambda page: [review_dict(r, with_package=True) for r in page],
                default_per_page=100,
                max_per_page=200,
            )
        )


class UserView(ContentDBView):
    def get(self, request, username: str):
        return Response(user_dict(_user_or_404(username)))


class UserStatsView(ContentDBView):
    cache_max_age = 300

    def get(self, request, username: str):
        user = _user_or_404(username)
        start, end = date_param(request, "start"), date_param(request, "end")
        # JsonResponse: DRF renders None as an empty body, ContentDB answers `null`
        return JsonResponse(user_stats(user=user, start=start, end=end), safe=False)


class PackageStatsListView(ContentDBView):
    cache_max_age = 900

    def get(self, request):
        return Response(all_packages_stats())


def _collection_dict(collection, package_count: int) -> dict:
    return {
        "author": collection.author.username,
        "name": collection.name,
        "title": collection.title,
        "short_description": collection.short_description,
        "created_at": iso(collection.created_at),
        "private": collection.private,
        "package_count": package_count,
    }


class CollectionListView(ContentDBView):
    def get(self, request):
        collections = Collection.objects.filter(private=False).select_related("author")
        author = request.query_params.get("author")
        if author:
            collections = collections.filter(author=_user_or_404(author))
        key = request.query_params.get("package")
        if key:
            pkg_author, _, pkg_name = key.partition("/")
            try:
                package = package_for_action(
                    user=request.user, author=pkg_author[:150], name=pkg_name[:255]
                )
            except (NoSuchPackage, PackageMoved):
                raise ContentDBError(f"Package {key} not found", 404) from None
            collections = collections.filter(items__package=package)
        collections = collections.annotate(count=Count("items")).order_by("title", "id")
        return Response([_collection_dict(c, c.count) for c in collections])


class CollectionView(ContentDBView):
    def get(self, request, username: str, name: str):
        collection = (
            Collection.objects.filter(author__username__iexact=username, name__iexact=name)
            .select_related("author")
            .first()
        )
        viewer = request.user
        may_view = collection is not None and (
            not collection.private
            or (
                viewer is not None
                and (viewer.pk == collection.author_id or viewer.rank >= Rank.MODERATOR)
            )
        )
        if not may_view:
            raise ContentDBError("Collection not found", 404)
        items = list(CollectionItem.objects.filter(collection=collection).order_by("order", "id"))
        # each item as its package's own rule says: its author sees a deleted one no more
        visible = visible_packages(viewer=viewer).exclude(type=PackageType.ROCK)
        rows = {
            row["id"]: row
            for row in short_package_rows(visible.filter(pk__in=[i.package_id for i in items]))
        }
        data = _collection_dict(collection, len(items))
        data.pop("package_count")
        data["long_description"] = collection.long_description
        data["items"] = [
            {
                "package": short_dict(rows[item.package_id]),
                "description": item.description,
                "created_at": iso(item.created_at),
                "order": item.order,
            }
            for item in items
            if item.package_id in rows
        ]
        return Response(data)


class TagListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [
                {
                    "name": t.name,
                    "title": t.title,
                    "description": t.description or None,
                    "views": t.views,
                }
                for t in Tag.objects.order_by("name")
            ]
        )


class ContentWarningListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [
                {"name": w.name, "title": w.title, "description": w.description or None}
                for w in ContentWarning.objects.order_by("name")
            ]
        )


class LicenseListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [{"name": lic.name, "is_foss": lic.is_foss} for lic in License.objects.order_by("name")]
        )


def _version_dict(version: LuantiVersion) -> dict:
    return {
        "name": version.name,
        "protocol_version": version.protocol_version,
        "is_dev": version.is_dev,
    }


class LuantiVersionListView(ContentDBView):
    """Every Luanti version in release order; with protocol/engine params, the one they name."""

    cache_max_age = 3600

    def get(self, request):
        versions = list(LuantiVersion.objects.order_by("id"))
        protocol = int_param(request, "protocol_version")
        engine = request.query_params.get("engine_version", "")[:50]
        if protocol is None and not engine:
            return Response([_version_dict(v) for v in versions])
        version = resolve_luanti_version(protocol=protocol, engine=engine, versions=versions)
        if version is None:
            raise ContentDBError("No releases found", 404)
        return Response(_version_dict(version))


class LanguageListView(ContentDBView):
    cache_max_age = 3600

    def get(self, request):
        return Response(
            [
                {
                    "id": lang.id,
                    "title": lang.title,
                    "has_contentdb_translation": lang.has_contentdb_translation,
                }
                for lang in Language.objects.order_by("id")
            ]
        )


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


URI_FIELDS = [
    "repo",
    "website",
    "issue_tracker",
    "forum_url",
    "video_url",
    "donate_url",
    "translation_url",
]


class CdbSchemaView(ContentDBView):
    """JSON Schema of a package's .cdb.json, with the live tags, warnings and licenses."""

    cache_max_age = 3600

    def get(self, request):
        licenses = list(License.objects.order_by("name").values_list("name", "is_foss"))
        properties: dict = {
            "type": {"enum": ["MOD", "GAME", "TXP"]},
            "title": {"type": "string", "maxLength": 100},
            "name": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "short_description": {"type": "string", "maxLength": 200},
            "dev_state": {"enum": [d.value for d in DevState]},
            "ai_disclosure": {"enum": [a.value for a in AIDisclosure]},
            "tags": {
                "type": "array",
                "items": {
                    "enum": list(Tag.objects.order_by("name").values_list("name", flat=True))
                },
                "uniqueItems": True,
            },
            "content_warnings": {
                "type": "array",
                "items": {
                    "enum": list(
                        ContentWarning.objects.order_by("name").values_list("name", flat=True)
                    )
                },
                "uniqueItems": True,
            },
            "license": {"$ref": "#/$defs/license"},
            "media_license": {"$ref": "#/$defs/license"},
            "long_description": {"type": "string"},
            "forums": {"type": ["integer", "null"], "minimum": 0},
        }
        for field in URI_FIELDS:
            properties[field] = {"type": ["string", "null"], "format": "uri"}
        return Response(
            {
                "title": "CDB Config",
                "description": "Package Configuration",
                "type": "object",
                "$defs": {
                    "license": {
                        "enum": [name for name, _ in licenses],
                        "enumDescriptions": [
                            "FOSS" if foss else "NON-FOSS" for _, foss in licenses
                        ],
                    }
                },
                "properties": properties,
            }
        )
