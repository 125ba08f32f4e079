"""Dependencies as the Luanti client asks for them (docs/protocols/contentdb.md section 6,
docs/protocols/luanti-client.md section 7): an object keyed by "author/name"."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from packages.models import Package, PackageDependency, PackageState, PackageType

MAX_DEPTH = 10  # a dependency cycle or an absurd chain stops here


def _providers(meta_ids: Iterable[int]) -> dict[int, list[tuple[str, str, str, int]]]:
    """Approved Luanti packages providing each mod name: (key, name, type, id), best first."""
    found: dict[int, list[tuple[str, str, str, int]]] = {}
    rows = (
        Package.provides.through.objects.filter(
            metapackage_id__in=list(meta_ids),
            package__state=PackageState.APPROVED,
            package__type__in=[PackageType.MOD, PackageType.GAME, PackageType.TXP],
        )
        .order_by("-package__score", "package_id")
        .values_list(
            "metapackage_id",
            "package__author__username",
            "package__name",
            "package__type",
            "package_id",
        )
    )
    for meta_id, author, name, ptype, pk in rows:
        found.setdefault(meta_id, []).append((f"{author}/{name}", name, ptype, pk))
    return found


def dependency_graph(*, package: Package, only_hard: bool) -> dict[str, list[dict[str, Any]]]:
    """The package and, recursively, the packages its dependencies resolve to.

    Level by level, two queries per level. Direct package dependencies are followed; a hard mod
    name dependency of the asked package follows its best provider (a mod whose name equals the
    dependency first), one level deeper, as ContentDB does.
    """
    graph: dict[str, list[dict[str, Any]]] = {}
    level: list[tuple[Package | int, bool]] = [(package, True)]
    seen: set[int] = set()
    for _ in range(MAX_DEPTH):
        ids = []
        top_ids = set()
        for item, is_top in level:
            pk = item.pk if isinstance(item, Package) else item
            if pk not in seen:
                seen.add(pk)
                ids.append(pk)
                if is_top:
                    top_ids.add(pk)
        if not ids:
            break
        packages = {
            p["id"]: p
            for p in Package.objects.filter(pk__in=ids).values(
                "id", "name", "type", "author__username"
            )
        }
        deps: QuerySet[PackageDependency] = PackageDependency.objects.filter(
            depender_id__in=ids
        ).order_by("id")
        if only_hard:
            deps = deps.filter(is_optional=False)
        rows = list(
            deps.values_list(
                "depender_id",
                "meta_package_id",
                "meta_package__name",
                "package_id",
                "package__author__username",
                "package__name",
                "package__state",
                "is_optional",
            )
        )
        providers = _providers({r[1] for r in rows if r[1] is not None})
        next_level: list[tuple[Package | int, bool]] = []
        for pk in ids:
            info = packages[pk]
            key = f"{info['author__username']}/{info['name']}"
            graph[key] = []
        for depender, meta_id, meta_name, dep_id, dep_author, dep_name, dep_state, optional in rows:
            info = packages[depender]
            key = f"{info['author__username']}/{info['name']}"
            if info["type"] != PackageType.MOD:
                continue  # games and texture packs have no dependencies here (ContentDB)
            if meta_id is not None:
                candidates = providers.get(meta_id, [])
                graph[key].append(
                    {
                        "name": meta_name,
                        "is_optional": optional,
                        "packages": [c[0] for c in candidates],
                    }
                )
                if depender in top_ids and not optional:
                    mods = [c for c in candidates if c[2] == PackageType.MOD]
                    best = next((c for c in mods if c[1] == meta_name), mods[0] if mods else None)
                    if best is not None:
                        next_level.append((best[3], False))
            elif dep_state == PackageState.APPROVED:
                dep_key = f"{dep_author}/{dep_name}"
                graph[key].append(
                    {"name": dep_name, "is_optional": optional, "packages": [dep_key]}
                )
                next_level.append((dep_id, depender in top_ids))
            else:
                # a deleted or unapproved package resolves to nothing, as a mod name no approved
                # package provides: the client reports the dependency as missing
                graph[key].append({"name": dep_name, "is_optional": optional, "packages": []})
        level = next_level
    return graph


def raw_dependencies(packages: list[dict[str, Any]]) -> dict[int, dict[str, list[str]]]:
    """For /api/dependencies/: provides, depends and optional_depends of each package row."""
    ids = [p["id"] for p in packages]
    result: dict[int, dict[str, list[str]]] = {
        pk: {"provides": [], "depends": [], "optional_depends": []} for pk in ids
    }
    for pk, name in (
        Package.provides.through.objects.filter(package_id__in=ids)
        .order_by("metapackage__name")
        .values_list("package_id", "metapackage__name")
    ):
        result[pk]["provides"].append(name)
    for pk, meta_name, dep_author, dep_name, optional in (
        PackageDependency.objects.filter(depender_id__in=ids)
        .order_by("id")
        .values_list(
            "depender_id",
            "meta_package__name",
            "package__author__username",
            "package__name",
            "is_optional",
        )
    ):
        label = meta_name if meta_name is not None else f"{dep_author}/{dep_name}"
        result[pk]["optional_depends" if optional else "depends"].append(label)
    return result


def dependency_links(*, package: Package) -> list[dict[str, Any]]:
    """The package page's dependencies, hard ones first: for each, `name`, `optional`, `package`
    (a direct package dependency) and `providers` (the approved packages providing the mod name,
    best first; empty when none does: the dependency is missing from the site). Two queries
    whatever the number of dependencies."""
    dependencies = list(
        PackageDependency.objects.filter(depender=package)
        .select_related("meta_package", "package", "package__author")
        .order_by("is_optional", "meta_package__name", "package__name")
    )
    meta_ids = [d.meta_package_id for d in dependencies if d.meta_package_id is not None]
    providers: dict[int, list[Package]] = {}
    if meta_ids:
        through = Package.provides.through.objects.filter(
            metapackage_id__in=meta_ids,
            package__state=PackageState.APPROVED,
            package__type__in=[PackageType.MOD, PackageType.GAME],
        ).select_related("package", "package__author")
        for row in through.order_by("-package__score", "package_id"):
            providers.setdefault(row.metapackage_id, []).append(row.package)
    rows = []
    for dependency in dependencies:
        meta = dependency.meta_package
        found = providers.get(meta.pk, []) if meta is not None else []
        # a mod of the same name as the dependency is its most likely provider
        found.sort(key=lambda p: p.name != (meta.name if meta else ""))
        rows.append(
            {
                "name": meta.name if meta is not None else _package_name(dependency),
                "optional": dependency.is_optional,
                "package": dependency.package,
                "providers": found,
            }
        )
    return rows


def used_by(*, package: Package, limit: int = 50) -> list[Package]:
    """Approved Luanti packages that depend on `package`, directly or on a mod name it provides
    (one query)."""
    return list(
        Package.objects.filter(state=PackageState.APPROVED)
        .filter(
            Q(dependencies__package=package)
            | Q(dependencies__meta_package__in=package.provides.values("pk"))
        )
        .exclude(pk=package.pk)
        .select_related("author")
        .distinct()
        .order_by("-score", "title")[:limit]
    )


def _package_name(dependency: PackageDependency) -> str:
    return dependency.package.name if dependency.package is not None else ""
