"""Collections of packages: the public list (`/api/collections/`) and one collection."""

from django.db.models import Count
from rest_framework.response import Response

from packages.collections import may_view_collection
from packages.errors import NoSuchPackage, PackageMoved
from packages.models import Collection, CollectionItem, PackageType
from packages.selectors import package_for_action, visible_packages
from registry.contentdb.base import ContentDBError, ContentDBView
from registry.contentdb.serializers import iso, short_dict
from registry.contentdb.views.common import user_or_404
from releases.selectors import short_package_rows


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
            collections = collections.filter(author=user_or_404(author))
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
        if collection is None or not may_view_collection(collection, viewer):
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
