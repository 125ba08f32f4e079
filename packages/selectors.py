"""Read-only queries over packages, with their joins already made."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Lower

from packages.models import (
    CollectionItem,
    GameSupport,
    Package,
    PackageAlias,
    PackageState,
    PackageType,
)


def public_packages() -> QuerySet[Package]:
    """Every approved package, rocks and Luanti content alike, ready for listing."""
    return Package.objects.filter(state=PackageState.APPROVED).select_related("author")


def _with_key(packages: QuerySet[Package], *, author: str, name: str) -> QuerySet[Package]:
    """Narrow to author/name, case-insensitively. LOWER(col) = LOWER(value) uses the case-insensitive
    unique indexes (user name, and author + name); `iexact` is LIKE on SQLite and UPPER() on
    PostgreSQL, which scan."""
    return packages.alias(author_key=Lower("author__username"), name_key=Lower("name")).filter(
        author_key=Lower(Value(author)), name_key=Lower(Value(name))
    )


def package_by_key(*, author: str, name: str, rock: bool | None = None) -> Package | None:
    """Look a package up by author/name, case-insensitively; `rock` narrows to one namespace."""
    packages = _with_key(Package.objects.select_related("author"), author=author, name=name)
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


# ContentDB face reads -----------------------------------------------------------------------


def _thumbnail_file() -> Subquery:
    """Per package row: the file of its first approved screenshot by order (ContentDB's thumbnail,
    which is not the cover image)."""
    from media_tools.models import Screenshot

    return Subquery(
        Screenshot.objects.filter(package_id=OuterRef("pk"), approved=True)
        .order_by("order", "id")
        .values("file")[:1]
    )


SHORT_FIELDS = ("id", "name", "title", "short_description", "type", "dev_state", "repo")


def short_package_rows(packages: QuerySet[Package], *, with_aliases: bool = True) -> list[dict]:
    """Plain rows for the short dict, in two queries whatever the number of packages.

    `packages` must carry the `release` annotation (see packages.queries.latest_release_id);
    each row gets `author__username`, `release`, `thumbnail` (a storage name) and `aliases`.
    """
    from packages.queries import latest_release_id

    if "release" not in packages.query.annotations:
        packages = packages.annotate(release=latest_release_id(None))
    rows = list(
        packages.values(*SHORT_FIELDS, "author__username", "release", thumbnail=_thumbnail_file())
    )
    if with_aliases and rows:
        aliases: dict[int, list[str]] = {}
        for package_id, author, name in PackageAlias.objects.filter(
            package__state=PackageState.APPROVED
        ).values_list("package_id", "author", "name"):
            aliases.setdefault(package_id, []).append(f"{author}/{name}")
        for row in rows:
            row["aliases"] = aliases.get(row["id"], [])
    for row in rows:
        row["author"] = row.pop("author__username")
    return rows


def luanti_package_by_key(*, author: str, name: str, detailed: bool = True) -> Package | None:
    """A Luanti package (any state but never a rock); `detailed` also fetches everything its
    detail dict shows (licenses, maintainers, tags, warnings, provides, screenshots)."""
    from media_tools.models import Screenshot

    packages = _with_key(
        Package.objects.exclude(type=PackageType.ROCK).select_related("author"),
        author=author,
        name=name,
    )
    if detailed:
        packages = packages.select_related("license", "media_license").prefetch_related(
            "maintainers",
            "tags",
            "content_warnings",
            "provides",
            Prefetch("screenshots", queryset=Screenshot.objects.order_by("order", "id")),
        )
    return packages.first()


def package_alias_target(*, author: str, name: str) -> Package | None:
    """The Luanti package that `author/name` used to be called, or a game named `<name>_game`."""
    alias = (
        PackageAlias.objects.filter(author__iexact=author, name__iexact=name)
        .exclude(package__type=PackageType.ROCK)
        .select_related("package__author")
        .first()
    )
    if alias is not None:
        return alias.package
    return (
        Package.objects.filter(
            type=PackageType.GAME, author__username__iexact=author, name__iexact=f"{name}_game"
        )
        .select_related("author")
        .first()
    )


def game_support_rows(*, package: Package) -> list[dict]:
    """`{"supports", "confidence", "game": short row}` for each game-support row, in two queries."""
    supports = {
        game_id: (is_supported, confidence)
        for game_id, is_supported, confidence in GameSupport.objects.filter(
            package=package
        ).values_list("game_id", "supports", "confidence")
    }
    if not supports:
        return []
    games = short_package_rows(
        Package.objects.filter(pk__in=supports).order_by("id"), with_aliases=False
    )
    return [
        {"supports": supports[row["id"]][0], "confidence": supports[row["id"]][1], "game": row}
        for row in games
    ]


FEATURED_COLLECTION = ("ContentDB", "featured")  # ContentDB's rule: this user's collection


def featured_package_ids() -> list[int]:
    """Packages of the `featured` collection of user `ContentDB`, in the collection's order."""
    author, name = FEATURED_COLLECTION
    return list(
        CollectionItem.objects.filter(
            collection__author__username__iexact=author, collection__name=name
        )
        .order_by("order", "id")
        .values_list("package_id", flat=True)
    )
