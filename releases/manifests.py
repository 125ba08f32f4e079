"""What each luarocks manifest lists, and which stored file a manifest URL points at.

Membership (docs/protocols/luarocks.md 3.1, traps 13-14):
- root (`/manifest*`): approved ROCK packages holding their name in the root manifest
  (`in_root_manifest`), stable releases only;
- dev (`/dev/manifest*`): the same packages, development releases (`scm-1`, `dev-1`, ...) only;
- user (`/manifests/<user>/manifest*`): every approved ROCK package of that user, stable and dev.
Archived and unapproved releases are listed nowhere. `manifest-5.x` keeps a release only if its
`lua` dependency admits Lua 5.x (no dependency: everywhere); the unversioned manifest is unfiltered.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from packages import invalidation as generations
from packages.models import PackageState, PackageType
from releases.models import FileKind, Release, ReleaseFile
from releases.rock_names import parse_public_filename
from releases.versions import lua_dependency_allows, sort_versions

LUA_VERSIONS = ("5.1", "5.2", "5.3", "5.4", "5.5")


class ScopeKind(StrEnum):
    ROOT = "root"
    DEV = "dev"
    USER = "user"


@dataclass(frozen=True)
class ManifestScope:
    kind: ScopeKind
    user_id: int | None = None

    @classmethod
    def root(cls) -> "ManifestScope":
        return cls(ScopeKind.ROOT)

    @classmethod
    def dev(cls) -> "ManifestScope":
        return cls(ScopeKind.DEV)

    @classmethod
    def user(cls, user_id: int) -> "ManifestScope":
        return cls(ScopeKind.USER, user_id)

    @property
    def key(self) -> str:
        return f"user:{self.user_id}" if self.kind == ScopeKind.USER else str(self.kind)

    @property
    def generation_scope(self) -> str:
        """The `media_tools.generations` generation whose bump invalidates this manifest."""
        if self.kind == ScopeKind.USER and self.user_id is not None:
            return generations.user_manifests(self.user_id)
        return generations.ROOT_MANIFESTS

    def package_filter(self, prefix: str = "release__package__") -> Q:
        q = Q(**{f"{prefix}type": PackageType.ROCK, f"{prefix}state": PackageState.APPROVED})
        if self.kind == ScopeKind.USER:
            return q & Q(**{f"{prefix}author_id": self.user_id})
        return q & Q(**{f"{prefix}in_root_manifest": True})


Repository = dict[str, dict[str, list[str]]]
"""name -> version -> arches (`rockspec` first), the manifest's `repository` table."""


def manifest_repository(*, scope: ManifestScope, lua_version: str | None) -> Repository:
    """The `repository` table of one manifest, in two queries whatever the number of packages.

    One query reads the listed releases with their package names, one reads the (release, arch)
    pairs of their files; they are joined here. Few, narrow rows keep a cold build of a 50,000
    version manifest well under a second (bench/manifest_bench.py).
    """
    if lua_version is not None and lua_version not in LUA_VERSIONS:
        raise ValueError(f"unknown Lua version {lua_version}")
    releases = Release.objects.filter(
        scope.package_filter(prefix="package__"), approved=True, is_archived=False
    )
    if scope.kind == ScopeKind.ROOT:
        releases = releases.filter(is_development=False)
    elif scope.kind == ScopeKind.DEV:
        releases = releases.filter(is_development=True)

    listed: dict[int, tuple[str, str]] = {}  # release id -> (package name, version)
    allowed: dict[str, bool] = {}  # each distinct lua constraint is evaluated once
    rows = releases.order_by().values_list("pk", "package__name", "name", "lua_constraint")
    for pk, name, version, lua in rows.iterator(chunk_size=10_000):
        if lua_version is not None:
            ok = allowed.get(lua)
            if ok is None:
                ok = allowed[lua] = lua_dependency_allows(lua, lua_version)
            if not ok:
                continue
        listed[pk] = (name, version)

    # A rockspec has arch "" and every rock a non-empty one, so (release, arch) says it all.
    files = ReleaseFile.objects.filter(
        kind__in=[FileKind.ROCKSPEC, FileKind.ROCK], release__in=releases
    ).order_by()
    collected: dict[str, dict[str, list[str]]] = {}
    for release_id, arch in files.values_list("release_id", "arch").iterator(chunk_size=10_000):
        entry = listed.get(release_id)
        if entry is not None:
            versions = collected.setdefault(entry[0], {})
            versions.setdefault(entry[1], []).append(arch or "rockspec")

    # Key order is irrelevant to the client (it sorts itself); sorted output keeps bytes stable.
    # One global version sort, then per package a sort by rank: far cheaper than per-package sorts.
    rank = {v: i for i, v in enumerate(sort_versions({v for _, v in listed.values()}))}
    return {
        name: {
            version: _arch_order(versions[version])
            for version in sorted(versions, key=rank.__getitem__, reverse=True)
        }
        for name, versions in sorted(collected.items())
    }


def _arch_order(arches: list[str]) -> list[str]:
    if len(arches) == 1:
        return arches
    return sorted(arches, key=lambda a: (a != "rockspec", a))


def file_for_download(*, scope: ManifestScope, filename: str) -> ReleaseFile | None:
    """The rockspec or rock a manifest URL names (`foo-1.0-1.rockspec`, `foo-1.0-1.all.rock`).

    The name is read the one way `releases.rock_names` allows, into a package name, a version and
    an arch, and the file must belong to the package of that name in the scope: the one holding the
    name in the root manifest (root and `/dev/`), or the user's own (`/manifests/<user>/`). A file
    whose stored name merely matches, in another package (a version `victim-1.0-1` of `e2e` stored
    before versions were checked), is never served under it. Should two rows still match, none is
    served: a wrong answer is worse than a 404.

    Files stay reachable for every approved release of the scope's packages, development and
    archived ones included, so pinned installs keep working; only manifests filter further.
    """
    wanted = parse_public_filename(filename)
    if wanted is None:
        return None
    matches = list(
        ReleaseFile.objects.filter(
            scope.package_filter(),
            release__package__name=wanted.name,
            release__name=wanted.version,
            release__approved=True,
            kind=FileKind.ROCK if wanted.is_rock else FileKind.ROCKSPEC,
            arch=wanted.arch,
            filename=filename,
        ).select_related("release")[:2]
    )
    return matches[0] if len(matches) == 1 else None
