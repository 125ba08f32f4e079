"""Read-only queries behind the public web pages: home sections, search, user and tag pages."""

from django.db.models import Count, Prefetch, Q, QuerySet

from packages.models import License, Package, PackageState, PackageType, Screenshot, Tag
from packages.selectors import public_packages, visible_packages

SEARCH_ORDERS = {
    "score": ("-score", "-downloads", "name"),
    "downloads": ("-downloads", "name"),
    "new": ("-approved_at", "-id"),
    "updated": ("-updated_at", "-id"),
    "name": ("title", "name"),
}


def with_covers(packages: QuerySet[Package]) -> QuerySet[Package]:
    """Attach each package's approved screenshots, the cover first, as `covers` (one extra query
    per page); a package without a chosen cover shows its first screenshot, as on ContentDB."""
    covers = Screenshot.objects.filter(approved=True).order_by("-is_cover_image", "order", "id")
    return packages.prefetch_related(Prefetch("screenshots", queryset=covers, to_attr="covers"))


def search_packages(
    *,
    query: str = "",
    type: str = "",
    tag: str = "",
    license: str = "",
    author: str = "",
    order: str = "score",
) -> QuerySet[Package]:
    """Approved rocks and Luanti content matching every given filter."""
    packages = public_packages()
    if query:
        for word in query.split()[:8]:
            packages = packages.filter(
                Q(name__icontains=word)
                | Q(title__icontains=word)
                | Q(short_description__icontains=word)
                | Q(labels__icontains=word)
            )
    if type in PackageType.values:
        packages = packages.filter(type=type)
    if tag:
        # a rock label matches as a whole JSON string, so "json" does not match "tinyjson"
        packages = packages.filter(
            Q(tags__name=tag) | Q(type=PackageType.ROCK, labels__icontains=f'"{tag}"')
        )
    if license:
        packages = packages.filter(
            Q(license__name__iexact=license) | Q(declared_license__iexact=license)
        )
    if author:
        packages = packages.filter(author__username__iexact=author)
    if tag:
        packages = packages.distinct()
    return with_covers(packages.order_by(*SEARCH_ORDERS.get(order, SEARCH_ORDERS["score"])))


def newest_packages(*, limit: int = 6) -> QuerySet[Package]:
    return with_covers(public_packages().order_by("-approved_at", "-id"))[:limit]


def recently_updated_packages(*, limit: int = 8) -> QuerySet[Package]:
    return public_packages().order_by("-updated_at", "-id")[:limit]


def popular_packages(*, type: str, limit: int = 5) -> QuerySet[Package]:
    return public_packages().filter(type=type).order_by("-downloads", "-score", "name")[:limit]


def packages_of_user(*, user, viewer) -> QuerySet[Package]:
    """The packages `user` authors or maintains that `viewer` may see: approved ones for everybody,
    their unapproved ones for the user, and what staff may see (deleted ones to moderators)."""
    maintained = Package.maintainers.through.objects.filter(user_id=user.pk).values("package_id")
    packages = visible_packages(viewer=viewer).filter(Q(author=user) | Q(pk__in=maintained))
    return with_covers(packages.select_related("author").order_by("type", "title"))


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.annotate(
        package_count=Count("packages", filter=Q(packages__state=PackageState.APPROVED))
    ).order_by("-package_count", "name")


def licenses_with_counts() -> list[License]:
    approved = Q(state=PackageState.APPROVED)
    counts = {
        row["license"]: row["n"]
        for row in Package.objects.filter(approved, license__isnull=False)
        .values("license")
        .annotate(n=Count("id"))
    }
    licenses = list(License.objects.all())
    for item in licenses:
        item.package_count = counts.get(item.pk, 0)
    return sorted(licenses, key=lambda item: (-item.package_count, item.name.lower()))
