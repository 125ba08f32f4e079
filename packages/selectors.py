"""Read-only queries over packages, with their joins already made."""

from django.db.models import Count, Q, QuerySet, Sum

from packages.models import Package, PackageState, PackageType


def public_packages() -> QuerySet[Package]:
    """Every approved package, rocks and Luanti content alike, ready for listing."""
    return Package.objects.filter(state=PackageState.APPROVED).select_related("author")


def package_by_key(*, author: str, name: str, rock: bool | None = None) -> Package | None:
    """Look a package up by author/name, case-insensitively; `rock` narrows to one namespace."""
    packages = Package.objects.select_related("author").filter(
        author__username__iexact=author, name__iexact=name
    )
    if rock is True:
        packages = packages.filter(type=PackageType.ROCK)
    elif rock is False:
        packages = packages.exclude(type=PackageType.ROCK)
    return packages.first()


def site_counts() -> dict[str, int]:
    """Totals for the home page, in one query."""
    totals = public_packages().aggregate(
        rocks=Count("id", filter=Q(type=PackageType.ROCK)),
        luanti=Count("id", filter=~Q(type=PackageType.ROCK)),
        downloads=Sum("downloads"),
    )
    return {
        "rocks": totals["rocks"] or 0,
        "luanti": totals["luanti"] or 0,
        "downloads": totals["downloads"] or 0,
    }
