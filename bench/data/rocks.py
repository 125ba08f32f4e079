"""The rocks data set of bench/manifest_bench.py (`python -m bench.data rocks`): N modules, M
versions, their file rows, deterministic per seed.

Rows only (no stored bytes): manifests read nothing but rows. Everything is owned by users named
`bench-user-<n>`; `--clear` removes a previous run's data first, so the same seed gives the same data.
"""

import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from media_tools.generations import bump
from packages.invalidation import ROOT_MANIFESTS
from packages.models import Package, PackageState, PackageType
from releases.models import FileKind, Release, ReleaseFile

WORDS = [
    "lua", "json", "http", "socket", "term", "path", "date", "fs", "yaml", "xml", "redis", "pg",
    "ssl", "zlib", "utf8", "lpeg", "busted", "penlight", "moon", "argparse", "serpent", "ansi",
    "color", "log", "uuid", "sha", "md5", "base64", "cjson", "template", "router", "cli",
]  # fmt: skip
LUA_CONSTRAINTS = [
    "",
    "lua >= 5.1",
    "lua >= 5.1, < 5.4",
    "lua ~> 5.1",
    "lua >= 5.3",
    "lua >= 5.1, < 5.5",
]
ARCHES = ["linux-x86_64", "all", "macosx-aarch64", "win32-x86"]
BATCH = 5000


def generate(
    *,
    modules: int = 10_000,
    versions: int = 50_000,
    users: int = 500,
    seed: int = 2026,
    clear: bool,
) -> str:
    """Create bench-user-* rocks: `modules` modules with `versions` versions in total; `clear`
    deletes an earlier run's data first. Returns a summary line."""
    return _Generator().run(modules=modules, versions=versions, users=users, seed=seed, clear=clear)


class _Generator:
    def run(self, *, modules: int, versions: int, users: int, seed: int, clear: bool) -> str:
        if versions < modules:
            raise ValueError("need at least one version per module")
        rng = random.Random(seed)
        with transaction.atomic():
            if clear:
                self._clear()
            authors = self._users(users)
            packages = self._packages(rng, authors, modules)
            releases = self._releases(rng, packages, versions)
            files = self._files(rng, releases)
            bump(ROOT_MANIFESTS)
            for author in authors:
                bump(f"user:{author.pk}")
        return (
            f"{len(packages)} modules, {len(releases)} versions, {files} files "
            f"for {len(authors)} users (seed {seed})"
        )

    def _clear(self) -> None:
        bench = User.objects.filter(username__startswith="bench-user-")
        ReleaseFile.objects.filter(release__package__author__in=bench).delete()
        Release.objects.filter(package__author__in=bench).delete()
        Package.objects.filter(author__in=bench).delete()
        bench.delete()

    def _users(self, count: int) -> list[User]:
        User.objects.bulk_create(
            [User(username=f"bench-user-{n}", email=f"bench{n}@example.org") for n in range(count)],
            batch_size=BATCH,
        )
        return list(User.objects.filter(username__startswith="bench-user-").order_by("pk"))

    def _packages(self, rng: random.Random, authors: list[User], count: int) -> list[Package]:
        now = timezone.now()
        rows = []
        for n in range(count):
            name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{n}"
            rows.append(
                Package(
                    author=authors[n % len(authors)],
                    name=name,
                    title=name,
                    type=PackageType.ROCK,
                    state=PackageState.APPROVED,
                    approved_at=now,
                    in_root_manifest=True,
                    short_description=f"Benchmark rock number {n}",
                    declared_license="MIT",
                )
            )
        Package.objects.bulk_create(rows, batch_size=BATCH)
        return list(
            Package.objects.filter(author__in=authors, type=PackageType.ROCK).order_by("pk")
        )

    def _releases(self, rng: random.Random, packages: list[Package], total: int) -> list[Release]:
        counts = [1] * len(packages)
        for _ in range(total - len(packages)):
            counts[rng.randrange(len(packages))] += 1
        now = timezone.now()
        rows = []
        for package, count in zip(packages, counts, strict=True):
            lua = rng.choice(LUA_CONSTRAINTS)
            has_scm = count > 1 and rng.random() < 0.1
            for i in range(count - (1 if has_scm else 0)):
                name = f"{i // 10}.{i % 10}.{rng.randrange(3)}-{1 + rng.randrange(2)}"
                rows.append(_release(package, name, lua, now))
            if has_scm:
                rows.append(_release(package, "scm-1", lua, now, development=True))
        Release.objects.bulk_create(rows, batch_size=BATCH)
        return list(
            Release.objects.filter(package__in=packages).select_related("package").order_by("pk")
        )

    def _files(self, rng: random.Random, releases: list[Release]) -> int:
        rows = []
        for release in releases:
            base = f"{release.package.name}-{release.name}"
            rows.append(_file(release, FileKind.ROCKSPEC, "", f"{base}.rockspec", rng))
            if not release.is_development and rng.random() < 0.6:
                rows.append(_file(release, FileKind.ROCK, "src", f"{base}.src.rock", rng))
            if rng.random() < 0.1:
                arch = rng.choice(ARCHES)
                rows.append(_file(release, FileKind.ROCK, arch, f"{base}.{arch}.rock", rng))
        ReleaseFile.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)


def _release(package: Package, name: str, lua: str, now, development: bool = False) -> Release:
    return Release(
        package=package,
        name=name,
        title=name,
        approved=True,
        approved_at=now,
        lua_constraint=lua,
        is_development=development,
        created_at=now,
    )


def _file(release: Release, kind: str, arch: str, filename: str, rng: random.Random) -> ReleaseFile:
    return ReleaseFile(
        release=release,
        kind=kind,
        arch=arch,
        file=f"bench/{release.package_id}/{release.pk}/{filename}",
        filename=filename,
        size=rng.randrange(500, 50_000),
        sha256=f"{rng.getrandbits(256):064x}",
    )
