"""What each luarocks manifest lists, and which stored file a manifest URL points at.

Membership (research/luarocks.md 3.1, traps 13-14):
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

from packages.models import PackageState, PackageType
from releases import cache as generations
from releases.models import FileKind, ReleaseFile
from releases.versions import lua_dependency_allows, version_key

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
        """The `releases.cache` generation whose bump invalidates this manifest."""
        if self.kind == ScopeKind.USER:
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
    """The `repository` table of one manifest, in one query whatever the number of packages."""
    if lua_version is not None and lua_version not in LUA_VERSIONS:
        raise ValueError(f"unknown Lua version {lua_version}")
    files = ReleaseFile.objects.filter(
        scope.package_filter(),
        kind__in=[FileKind.ROCKSPEC, FileKind.ROCK],
        release__approved=True,
        release__is_archived=False,
    )
    if scope.kind == ScopeKind.ROOT:
        files = files.filter(release__is_development=False)
    elif scope.kind == ScopeKind.DEV:
        files = files.filter(release__is_development=True)
    rows = files.order_by().values_list(
        "release__package__name", "release__name", "release__lua_constraint", "kind", "arch"
    )

    collected: dict[str, dict[str, set[str]]] = {}
    allowed: dict[str, bool] = {}  # each distinct lua constraint is evaluated once
    for name, version, lua, kind, arch in rows.iterator(chunk_size=5000):
        if lua_version is not None:
            ok = allowed.get(lua)
            if ok is None:
                ok = allowed[lua] = lua_dependency_allows(lua, lua_version)
            if not ok:
                continue
        arches = collected.setdefault(name, {}).setdefault(version, set())
        arches.add("rockspec" if kind == FileKind.ROCKSPEC else arch)

    # Key order is irrelevant to the client (it sorts itself); sorted output keeps bytes stable.
    return {
        name: {
            version: sorted(arches, key=lambda a: (a != "rockspec", a))
            for version, arches in sorted(
                versions.items(), key=lambda item: version_key(item[0]), reverse=True
            )
        }
        for name, versions in sorted(collected.items())
    }


def file_for_download(*, scope: ManifestScope, filename: str) -> ReleaseFile | None:
    """The rockspec or rock a manifest URL names (`foo-1.0-1.rockspec`, `foo-1.0-1.all.rock`).

    Files stay reachable for every approved release of the scope's packages, development and
    archived ones included, so pinned installs keep working; only manifests filter further.
    """
    if filename.endswith(".rockspec"):
        kind, arch = FileKind.ROCKSPEC, ""
    elif filename.endswith(".rock"):
        stem = filename[: -len(".rock")]
        if "." not in stem:
            return None
        kind, arch = FileKind.ROCK, stem.rsplit(".", 1)[1]
    else:
        return None
    return (
        ReleaseFile.objects.filter(
            scope.package_filter(),
            filename=filename,
            kind=kind,
            arch=arch,
            release__approved=True,
        )
        .select_related("release")
        .order_by("release__package__author_id")
        .first()
    )
