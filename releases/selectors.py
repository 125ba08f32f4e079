"""Read-only queries over releases, with their joins already made: Luanti releases (lists, the
release a client installs, package rows carrying their release) and rocks (the upload API's look-ups)."""

from typing import Any

from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import User
from packages.models import (
    GameSupport,
    LuantiVersion,
    Package,
    PackageAlias,
    PackageState,
    PackageType,
    Screenshot,
)
from packages.permissions import Viewer
from packages.selectors import luanti_packages, visible_packages
from releases.models import FileKind, Release, ReleaseFile, RockDependency, TaskState


def compatible_releases(version: LuantiVersion | None) -> QuerySet[Release]:
    """Approved, finished releases whose min/max range holds `version` (by row age, as ContentDB)."""
    releases = Release.objects.filter(approved=True, task_state=TaskState.DONE)
    if version is not None:
        releases = releases.filter(
            Q(min_luanti_version__isnull=True) | Q(min_luanti_version_id__lte=version.pk),
            Q(max_luanti_version__isnull=True) | Q(max_luanti_version_id__gte=version.pk),
        )
    return releases


def latest_release_id(version: LuantiVersion | None) -> Subquery:
    """Per package row: the highest id among its compatible approved releases, or NULL."""
    return Subquery(
        compatible_releases(version)
        .filter(package_id=OuterRef("pk"))
        .order_by("-id")
        .values("id")[:1],
        output_field=IntegerField(),
    )


def _with_joins(releases: QuerySet[Release]) -> QuerySet[Release]:
    """Everything a release dict shows: package and author, versions, and the zip (as `zips`)."""
    return releases.select_related(
        "package__author", "min_luanti_version", "max_luanti_version"
    ).prefetch_related(
        Prefetch("files", queryset=ReleaseFile.objects.filter(kind=FileKind.ZIP), to_attr="zips")
    )


def zip_size(release: Release) -> int:
    """The size of the release's zip, 0 while it has none; `release` comes from this module's
    lists and look-ups, which fetch the zip with it (`_with_joins`)."""
    zips: list[ReleaseFile] = release.zips  # type: ignore[attr-defined]
    return zips[0].size if zips else 0


def package_releases(*, package: Package, include_unapproved: bool) -> QuerySet[Release]:
    """A package's releases, newest first; the public sees approved, finished ones only."""
    releases = Release.objects.filter(package=package)
    if not include_unapproved:
        releases = releases.filter(approved=True, task_state=TaskState.DONE)
    return _with_joins(releases.order_by("-created_at", "-id"))


def recent_releases(
    *, author_id: int | None = None, maintainer_id: int | None = None, limit: int = 30
) -> list[Release]:
    """The newest approved releases of approved Luanti packages (ContentDB's /api/releases/)."""
    packages = luanti_packages()
    if author_id is not None:
        packages = packages.filter(author_id=author_id)
    if maintainer_id is not None:
        packages = packages.filter(maintainers__id=maintainer_id)
    releases = Release.objects.filter(
        approved=True, task_state=TaskState.DONE, package__in=packages.values("pk")
    ).order_by("-created_at", "-id")
    return list(_with_joins(releases)[:limit])


def latest_compatible_release(*, package: Package, version: LuantiVersion | None) -> Release | None:
    """The release a client should install: the highest id among approved compatible ones."""
    return _with_joins(compatible_releases(version).filter(package=package)).order_by("-id").first()


# Package rows with their release, for the ContentDB lists ------------------------------------


def _thumbnail_file() -> Subquery:
    """Per package row: the file of its first approved screenshot by order (ContentDB's thumbnail,
    which is not the cover image)."""
    return Subquery(
        Screenshot.objects.filter(package_id=OuterRef("pk"), approved=True)
        .order_by("order", "id")
        .values("file")[:1]
    )


SHORT_FIELDS = ("id", "name", "title", "short_description", "type", "dev_state", "repo")


def short_package_rows(
    packages: QuerySet[Package], *, with_aliases: bool = True
) -> list[dict[str, Any]]:
    """Plain rows for the short dict, in two queries whatever the number of packages.

    `packages` must carry the `release` annotation (see registry.contentdb.queries.latest_release_id);
    each row gets `author__username`, `release`, `thumbnail` (a storage name) and `aliases`.
    """
    if "release" not in packages.query.annotations:
        packages = packages.annotate(release=latest_release_id(None))
    rows = list(
        packages.values(*SHORT_FIELDS, "author__username", "release", thumbnail=_thumbnail_file())
    )
    if with_aliases and rows:
        aliases: dict[int, list[str]] = {}
        for package_id, author, name in PackageAlias.objects.filter(
            package__state=PackageState.APPROVED, is_rock=False
        ).values_list("package_id", "author", "name"):
            aliases.setdefault(package_id, []).append(f"{author}/{name}")
        for row in rows:
            row["aliases"] = aliases.get(row["id"], [])
    for row in rows:
        row["author"] = row.pop("author__username")
    return rows


def game_support_rows(*, package: Package, viewer: Viewer) -> list[dict[str, Any]]:
    """`{"supports", "confidence", "game": short row}` for each game-support row whose game
    `viewer` may see (a deleted or unapproved game is not shown to who may not see it), in two
    queries."""
    supports = {
        game_id: (is_supported, confidence)
        for game_id, is_supported, confidence in GameSupport.objects.filter(
            package=package
        ).values_list("game_id", "supports", "confidence")
    }
    if not supports:
        return []
    games = short_package_rows(
        visible_packages(viewer=viewer).filter(pk__in=supports).order_by("id"), with_aliases=False
    )
    return [
        {"supports": supports[row["id"]][0], "confidence": supports[row["id"]][1], "game": row}
        for row in games
    ]


def release_zip(*, release: Release) -> ReleaseFile | None:
    return release.files.filter(kind=FileKind.ZIP).first()


# Rocks: the upload API's look-ups ------------------------------------------------------------


def user_rock(*, user: User, name: str) -> Package | None:
    """`user`'s own rock called `name`, case-insensitively (other users' rocks are invisible)."""
    return (
        Package.objects.select_related("author")
        .filter(author=user, type=PackageType.ROCK, name__iexact=name)
        .first()
    )


def rock_release(*, package: Package, version: str) -> Release | None:
    """A release of the rock by version, case-insensitively (`1.0RC1-1` finds `1.0rc1-1`)."""
    return package.releases.filter(name__iexact=version).first()


def rock_release_by_id(*, release_id: int) -> Release | None:
    return (
        Release.objects.select_related("package", "package__author")
        .filter(pk=release_id, package__type=PackageType.ROCK)
        .first()
    )


def current_release_id(*, package: Package) -> int | None:
    """The newest uploaded version, luarocks.org's `current_version_id`."""
    return package.releases.order_by("-created_at", "-id").values_list("pk", flat=True).first()


def rockspec_file(*, release: Release) -> ReleaseFile | None:
    return release.files.filter(kind=FileKind.ROCKSPEC).first()


def rock_dependency_links(*, release: Release) -> list[dict[str, Any]]:
    """A rock version's dependencies with the module page each name leads to: the rock holding the
    name in the root manifest, else the best-scored public rock of that name; `module` is None for
    `lua` itself and for names no rock here has. Two queries."""
    dependencies = list(release.rock_dependencies.all())
    names = {d.name.lower() for d in dependencies if d.name.lower() != "lua"}
    modules: dict[str, Package] = {}
    if names:
        rocks = (
            Package.objects.filter(
                type=PackageType.ROCK, state=PackageState.APPROVED, name__in=names
            )
            .select_related("author")
            .order_by("-in_root_manifest", "-score", "id")
        )
        for rock in rocks:
            modules.setdefault(rock.name.lower(), rock)
    return [
        {"name": d.name, "constraint": d.constraint, "module": modules.get(d.name.lower())}
        for d in dependencies
    ]


def rock_used_by(*, package: Package, limit: int = 50) -> list[Package]:
    """Public rocks whose newest version depends on `package`'s name (one query)."""
    newest = Subquery(
        Release.objects.filter(package_id=OuterRef("release__package_id"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    depender_ids = (
        RockDependency.objects.filter(name__iexact=package.name)
        .annotate(newest=newest)
        .filter(release_id=F("newest"))
        .values("release__package_id")
    )
    return list(
        Package.objects.filter(
            type=PackageType.ROCK, state=PackageState.APPROVED, pk__in=depender_ids
        )
        .exclude(pk=package.pk)
        .select_related("author")
        .order_by("-score", "name")[:limit]
    )
