"""Read-only queries over packages, with their joins already made."""

from typing import TypeVar

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower

from accounts.models import User
from packages.errors import NoSuchPackage, NotAllowed, PackageMoved
from packages.models import (
    LUANTI_TYPES,
    CollectionItem,
    License,
    LuantiVersion,
    Package,
    PackageAlias,
    PackageState,
    PackageType,
    Screenshot,
    Tag,
)
from packages.permissions import Action, Viewer, can, refusal_message, visible_filter

PACKAGE_NOT_FOUND = "Package not found"
AnyPackage = TypeVar("AnyPackage", bound=Package)  # a Package, with annotations or without


def visible_packages(*, viewer: Viewer) -> QuerySet[Package]:
    """The packages `viewer` may see (None or anonymous: the public). The VIEW_PACKAGE rule of
    `can()` as a query: every list and every part read many at a time goes through it."""
    return Package.objects.filter(visible_filter(viewer))


def public_packages() -> QuerySet[Package]:
    """Every approved package, rocks and Luanti content alike, ready for listing."""
    return visible_packages(viewer=None).select_related("author")


def _with_key(packages: QuerySet[Package], *, author: str, name: str) -> QuerySet[Package]:
    """Narrow to author/name, case-insensitively. LOWER(col) = LOWER(value) uses the case-insensitive
    unique indexes (user name, and author + name); `iexact` is LIKE on SQLite and UPPER() on
    PostgreSQL, which scan."""
    return packages.alias(author_key=Lower("author__username"), name_key=Lower("name")).filter(
        author_key=Lower(Value(author)), name_key=Lower(Value(name))
    )


def package_by_key(
    *, author: str, name: str, rock: bool | None = None, detailed: bool = False
) -> Package | None:
    """A package by author/name, case-insensitively and without a permission check (operators'
    commands; answers built after a write the caller was allowed to make). `rock` narrows to one
    namespace; `detailed` also fetches everything the ContentDB detail dict shows (licenses,
    maintainers, tags, warnings, provides, screenshots)."""
    packages = _with_key(Package.objects.select_related("author"), author=author, name=name)
    if rock is True:
        packages = packages.filter(type=PackageType.ROCK)
    elif rock is False:
        packages = _luanti(packages)
    return (_detailed(packages) if detailed else packages).first()


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


def old_names(*, rock: bool) -> dict[int, list[str]]:
    """Every old name (`author/name`) of a namespace by package id, whatever the package's state
    (aliases are few: renames and transfers), in one query."""
    names: dict[int, list[str]] = {}
    for package_id, author, name in PackageAlias.objects.filter(is_rock=rock).values_list(
        "package_id", "author", "name"
    ):
        names.setdefault(package_id, []).append(f"{author}/{name}")
    return names


NOT_ALLOWED = "You may not do that to this package."


def package_for_action(
    *,
    user: Viewer,
    action: Action | None = Action.VIEW_PACKAGE,
    author: str = "",
    name: str = "",
    rock: bool = False,
    pk: int | str | None = None,
    detailed: bool = False,
) -> Package:
    """The one look-up of a package for a request, by key (`author/name` in the rocks or the
    Luanti namespace, case-insensitively) or by id, checked against the permission table.

    Raises NoSuchPackage when there is nothing there or the package is hidden from `user` (deleted,
    below moderator; or, when `action` is VIEW_PACKAGE, one they may not see): the two look alike.
    Raises PackageMoved when the key is an old name (alias) of a package `user` may see; an alias
    wins over a package created under its key before aliases reserved their keys, as in
    /api/updates/. Raises NotAllowed when `user` may see the package but not do `action`.
    `action=None` only finds the package, for faces that must answer 401 before 403 (ContentDB's
    writes): the service they call then asks the permission table itself.
    `detailed` also fetches what the ContentDB detail dict shows (Luanti content).
    """
    packages = Package.objects.select_related("author")
    if pk is not None:
        package = packages.filter(pk=pk).first()
        shadowed = False
    else:
        packages = _with_key(packages, author=author, name=name)
        packages = packages.filter(type=PackageType.ROCK) if rock else _luanti(packages)
        aliases = _aliases(author=author, name=name, rock=rock).exclude(package_id=OuterRef("pk"))
        annotated = packages.annotate(shadowed=Exists(aliases))
        found = (_detailed(annotated) if detailed else annotated).first()
        package = found
        # the annotation above: an alias elsewhere holds this key
        shadowed = found is not None and bool(getattr(found, "shadowed", False))
        if package is None or shadowed:
            target = _moved_to(author=author, name=name, rock=rock)
            if target is not None and can(user, Action.VIEW_PACKAGE, target):
                raise PackageMoved(target)
    if package is None or shadowed:
        raise NoSuchPackage(PACKAGE_NOT_FOUND)
    if not can(user, Action.VIEW_PACKAGE, package) and (
        action == Action.VIEW_PACKAGE or package.state == PackageState.DELETED
    ):
        raise NoSuchPackage(PACKAGE_NOT_FOUND)
    if action is not None and action != Action.VIEW_PACKAGE and not can(user, action, package):
        raise NotAllowed(refusal_message(user, action, package, default=NOT_ALLOWED))
    return package


def _luanti(packages: QuerySet[Package]) -> QuerySet[Package]:
    return packages.exclude(type=PackageType.ROCK)


def _detailed(packages: QuerySet[AnyPackage]) -> QuerySet[AnyPackage]:
    return packages.select_related("license", "media_license").prefetch_related(
        "maintainers",
        "tags",
        "content_warnings",
        "provides",
        Prefetch("screenshots", queryset=Screenshot.objects.order_by("order", "id")),
    )


def _aliases(*, author: str, name: str, rock: bool) -> QuerySet[PackageAlias]:
    # LOWER() on both sides, as the unique index packages_alias_key_unique is written
    return PackageAlias.objects.alias(author_key=Lower("author"), name_key=Lower("name")).filter(
        author_key=Lower(Value(author)), name_key=Lower(Value(name)), is_rock=rock
    )


def alias_at(*, author: str, name: str, rock: bool) -> PackageAlias | None:
    """The old name `author/name` of a namespace (case-insensitively), with its package; an old
    name never leads into the other namespace, whatever its row says."""
    aliases = _aliases(author=author, name=name, rock=rock).select_related("package__author")
    if rock:
        return aliases.filter(package__type=PackageType.ROCK).first()
    return aliases.exclude(package__type=PackageType.ROCK).first()


def _moved_to(*, author: str, name: str, rock: bool) -> Package | None:
    """The package that `author/name` is an old name of; for Luanti content also a game named
    `<name>_game` (ContentDB redirects a game's short name)."""
    alias = alias_at(author=author, name=name, rock=rock)
    if alias is not None:
        return alias.package
    if rock:
        return None
    return _with_key(
        Package.objects.filter(type=PackageType.GAME).select_related("author"),
        author=author,
        name=f"{name}_game",
    ).first()


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


def luanti_packages() -> QuerySet[Package]:
    """What this face ever lists: approved Luanti content (never rocks)."""
    return Package.objects.filter(state=PackageState.APPROVED, type__in=LUANTI_TYPES)


def resolve_luanti_version(
    *, protocol: int | None, engine: str | None, versions: list[LuantiVersion] | None = None
) -> LuantiVersion | None:
    """ContentDB's `LuantiRelease.get`: the engine version cut to major.minor matches a row name
    (minus `-dev`, plus protocol equality when both are given); failing that, with a protocol, the
    row with the highest protocol not above it. None when nothing matches (then: no filter)."""
    if versions is None:
        versions = list(LuantiVersion.objects.all())
    if engine:
        major_minor = ".".join(engine.split("-", 1)[0].split(".")[:2])
        for version in versions:
            if version.name.removesuffix("-dev") == major_minor and (
                protocol is None or version.protocol_version == protocol
            ):
                return version
    if protocol is not None:
        older = [v for v in versions if v.protocol_version <= protocol]
        if older:
            return max(older, key=lambda v: (v.protocol_version, v.pk))
    return None


# What the web pages list ---------------------------------------------------------------------


def with_covers(packages: QuerySet[Package]) -> QuerySet[Package]:
    """Attach each package's approved screenshots, the cover first, as `covers` (one extra query
    per page); a package without a chosen cover shows its first screenshot, as on ContentDB."""
    covers = Screenshot.objects.filter(approved=True).order_by("-is_cover_image", "order", "id")
    return packages.prefetch_related(Prefetch("screenshots", queryset=covers, to_attr="covers"))


def newest_packages(*, limit: int = 6) -> QuerySet[Package]:
    return with_covers(public_packages().order_by("-approved_at", "-id"))[:limit]


def recently_updated_packages(*, limit: int = 8) -> QuerySet[Package]:
    return public_packages().order_by("-updated_at", "-id")[:limit]


def popular_packages(*, type: str, limit: int = 5) -> QuerySet[Package]:
    return public_packages().filter(type=type).order_by("-downloads", "-score", "name")[:limit]


def packages_of_user(*, user: User, viewer: Viewer) -> QuerySet[Package]:
    """The packages `user` authors or maintains that `viewer` may see: approved ones for everybody,
    their unapproved ones for the user, and what staff may see (deleted ones to moderators)."""
    maintained = Package.maintainers.through.objects.filter(user_id=user.pk).values("package_id")
    packages = visible_packages(viewer=viewer).filter(Q(author=user) | Q(pk__in=maintained))
    return with_covers(packages.select_related("author").order_by("type", "title"))


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.annotate(
        package_count=Count("packages", filter=Q(packages__state=PackageState.APPROVED))
    ).order_by("-package_count", "name")


def licenses_with_counts() -> QuerySet[License]:
    """Every license with `package_count`, its approved packages (by their code license), most used
    first."""
    per_license = (
        Package.objects.filter(state=PackageState.APPROVED, license=OuterRef("pk"))
        .order_by()
        .values("license")
        .annotate(n=Count("id"))
        .values("n")
    )
    return License.objects.annotate(
        package_count=Coalesce(Subquery(per_license, output_field=IntegerField()), 0)
    ).order_by("-package_count", Lower("name"))
