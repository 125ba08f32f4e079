"""The deterministic, realistic data set of `make bench` (`python -m bench.data packages`).

Default: 10,000 packages by 1,500 authors - 7,000 rocks with 50,000 versions (a rockspec per version,
a source rock for some) and 3,000 Luanti packages (mods, games, texture packs) with 15,000 releases,
tags, content warnings, screenshots rows, game support and 30 days of download stats. The same seed
gives the same rows. Rows are written with bulk_create in batches, so the 10k set takes seconds, not
minutes, on SQLite. File rows point at storage names that are not written: manifests and lists only
read rows, and the upload benchmarks write their own files.

`--scale 0.05` makes a set 20 times smaller with the same shape (the bench compares SQL query counts
on both to show they do not grow with the number of packages).
"""

import json
import random
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction

from accounts.models import Rank, User
from accounts.services import create_api_key, create_api_token
from bench.data.rows import (
    BASE_TIME,
    bulk,
    file_row,
    package_row,
    release_row,
    sha,
    skewed_counts,
)
from bench.data.words import THINGS, TOPICS, WORDS
from packages.models import (
    ContentWarning,
    DevState,
    GameSupport,
    License,
    LuantiVersion,
    MetaPackage,
    Package,
    PackageDailyStats,
    PackageState,
    PackageType,
    Screenshot,
    Tag,
)
from releases.models import FileKind, Release, ReleaseFile

STATS_DAYS = 30
BENCH_USER = "benchuser"
BENCH_MODS = 20

LUA_CONSTRAINTS = (
    "",
    "lua >= 5.1",
    "lua >= 5.1, < 5.4",
    "lua >= 5.1, < 5.5",
    "lua ~> 5.1",
    "lua >= 5.3",
)
DEV_STATES = [s.value for s in DevState]


def generate(*, seed: int = 20261123, scale: float = 1.0, credentials: Path | None = None) -> str:
    """Fill an empty database with the data set (scale 1.0: 10,000 packages); write the bench
    user's LuaRocks API key and ContentDB token to `credentials` (JSON). Returns a summary line."""
    if Package.objects.exists():
        raise SystemExit("The database already holds packages; the data set needs an empty one.")
    return _Generator().run(seed=seed, scale=scale, credentials=credentials)


class _Generator:
    def run(self, *, seed: int, scale: float, credentials: Path | None) -> str:
        rng = random.Random(seed)
        sizes = {
            "authors": max(10, round(1500 * scale)),
            "rocks": max(10, round(7000 * scale)),
            "rock_versions": max(20, round(50000 * scale)),
            "luanti": max(10, round(3000 * scale)),
            "luanti_releases": max(20, round(15000 * scale)),
        }
        with transaction.atomic():
            authors = self._authors(sizes["authors"])
            rocks = self._rocks(rng, authors, sizes["rocks"], sizes["rock_versions"])
            luanti = self._luanti(rng, authors, sizes["luanti"], sizes["luanti_releases"])
            secrets = self._bench_account()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, so plans match a live database
        if credentials:
            credentials.write_text(json.dumps(secrets, indent=2) + "\n")
        return (
            f"bench data: {len(authors)} authors, {rocks[0]} rocks with {rocks[1]} versions, "
            f"{luanti[0]} Luanti packages with {luanti[1]} releases"
        )

    # accounts --------------------------------------------------------------------------------

    def _authors(self, n: int) -> list[dict]:
        return bulk(
            User,
            [
                {
                    "username": f"author{i:04d}",
                    "display_name": f"Author {i}",
                    "password": "!",  # unusable: these accounts never sign in
                    "rank": Rank.MEMBER,
                    "date_joined": BASE_TIME,
                    "first_name": "",
                    "last_name": "",
                    "email": "",
                }
                for i in range(n)
            ],
        )

    def _bench_account(self) -> dict:
        """The account the upload benchmarks write with: a key, a token and a mod."""
        user = User(username=BENCH_USER, rank=Rank.TRUSTED_MEMBER, verified_by_operator=True)
        user.set_unusable_password()
        user.save()
        _key, key_secret = create_api_key(user=user, comment="bench")
        _token, token_secret = create_api_token(user=user, name="bench")
        mit = License.objects.get(name="MIT")
        mods = []
        # ContentDB allows a few releases per package per 5 minutes: one mod per upload
        for n in range(BENCH_MODS):
            mod = Package.objects.create(
                author=user,
                name=f"benchmod{n}",
                title=f"Bench Mod {n}",
                type=PackageType.MOD,
                state=PackageState.APPROVED,
                short_description="A mod the release upload benchmark writes to.",
                license=mit,
                media_license=mit,
            )
            mod.maintainers.add(user)
            mods.append(f"{user.username}/{mod.name}")
        return {
            "username": user.username,
            "api_key": key_secret,
            "api_token": token_secret,
            "mods": mods,
        }

    # rocks -----------------------------------------------------------------------------------

    def _rocks(self, rng, authors, n: int, n_versions: int) -> tuple[int, int]:
        licenses = [
            "MIT",
            "MIT/X11",
            "Apache-2.0",
            "BSD-3-Clause",
            "ISC",
            "LGPL-2.1",
            "Public Domain",
        ]
        names: set[str] = set()
        packages = []
        for i in range(n):
            topic, word = rng.choice(TOPICS), rng.choice(WORDS)
            name = f"{topic}-{word}"
            if name in names:
                name = f"{name}-{i}"
            names.add(name)
            author = authors[rng.randrange(len(authors))]
            created = BASE_TIME + timedelta(minutes=rng.randrange(600_000))
            packages.append(
                package_row(
                    author_id=author["id"],
                    name=name,
                    title=name,
                    type=PackageType.ROCK,
                    state=PackageState.APPROVED,
                    short_description=f"A {word} {topic} library for Lua.",
                    long_description=f"{name} does {topic} the {word} way. "
                    f"It works with {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
                    declared_license=rng.choice(licenses),
                    labels=[topic],
                    repo=f"https://example.org/{author['username']}/{name}",
                    in_root_manifest=True,
                    downloads=int(rng.paretovariate(1.2) * 50),
                    created_at=created,
                    approved_at=created,
                )
            )
        packages = bulk(Package, packages)

        releases = []
        counts = skewed_counts(rng, n, n_versions, 1, 40)
        for package, count in zip(packages, counts, strict=True):
            is_dev_last = rng.random() < 0.05 and count > 1
            lua = rng.choice(LUA_CONSTRAINTS)
            major = rng.randrange(0, 4)
            for v in range(count):
                if is_dev_last and v == count - 1:
                    version, dev = "scm-1", True
                else:
                    version, dev = f"{major}.{v // 4}.{v % 4}-1", False
                when = package["created_at"] + timedelta(days=30 * v)
                releases.append(
                    release_row(
                        package_id=package["id"],
                        name=version,
                        approved_at=when,
                        lua_constraint=lua,
                        is_development=dev,
                        source_url=f"git+https://example.org/{package['name']}.git",
                        downloads=rng.randrange(0, 200),
                        created_at=when,
                    )
                )
        releases = bulk(Release, releases)

        files = []
        by_id = {p["id"]: p for p in packages}
        for release in releases:
            package = by_id[release["package_id"]]
            stem = f"{package['name']}-{release['name']}"
            files.append(file_row(package, release, FileKind.ROCKSPEC, "", f"{stem}.rockspec"))
            if rng.random() < 0.3:
                files.append(file_row(package, release, FileKind.ROCK, "src", f"{stem}.src.rock"))
        bulk(ReleaseFile, files)
        return len(packages), len(releases)

    # Luanti ----------------------------------------------------------------------------------

    def _luanti(self, rng, authors, n: int, n_releases: int) -> tuple[int, int]:
        licenses = list(License.objects.order_by("id"))
        foss = [lic for lic in licenses if lic.is_foss]
        tags = list(Tag.objects.order_by("id"))
        warnings = list(ContentWarning.objects.order_by("id"))
        versions = list(LuantiVersion.objects.order_by("id"))

        types = [PackageType.GAME] * round(n * 0.1) + [PackageType.TXP] * round(n * 0.17)
        types += [PackageType.MOD] * (n - len(types))
        rng.shuffle(types)
        names: set[tuple[int, str]] = set()
        packages = []
        for i, kind in enumerate(types):
            author = authors[rng.randrange(len(authors))]
            thing, word = rng.choice(THINGS), rng.choice(WORDS)
            name = f"{word}_{thing}"
            if (author["id"], name) in names:
                name = f"{name}_{i}"
            names.add((author["id"], name))
            roll = rng.random()
            state = (
                PackageState.APPROVED
                if roll < 0.92
                else PackageState.WIP
                if roll < 0.96
                else PackageState.READY_FOR_REVIEW
            )
            created = BASE_TIME + timedelta(minutes=rng.randrange(600_000))
            downloads = int(rng.paretovariate(1.1) * 100)
            license = rng.choice(foss if rng.random() < 0.9 else licenses)
            media = license if rng.random() < 0.8 else rng.choice(licenses)
            packages.append(
                package_row(
                    author_id=author["id"],
                    name=name,
                    title=f"{word.title()} {thing.title()}",
                    type=kind,
                    state=state,
                    short_description=f"Adds {word} {thing} to your world, with "
                    f"{rng.choice(THINGS)} and {rng.choice(THINGS)}.",
                    long_description=f"# {word.title()} {thing.title()}\n\nA {kind.lower()} "
                    f"about {thing}. " + " ".join(rng.choice(WORDS) for _ in range(40)),
                    dev_state=rng.choice(DEV_STATES),
                    license_id=license.pk,
                    media_license_id=media.pk,
                    repo=f"https://git.example.org/{author['username']}/{name}",
                    forums=rng.randrange(1, 30000) if rng.random() < 0.5 else None,
                    downloads=downloads,
                    score=downloads / 10 + rng.random() * 50,
                    score_downloads=downloads / 10,
                    created_at=created,
                    approved_at=created if state == PackageState.APPROVED else None,
                )
            )
        packages = bulk(Package, packages)

        self._luanti_relations(rng, packages, tags, warnings)
        n_rel = self._luanti_releases(rng, packages, n_releases, versions)
        return len(packages), n_rel

    def _luanti_relations(self, rng, packages, tags, warnings) -> None:
        tag_rows, warning_rows, maintainer_rows, provide_rows, shots = [], [], [], [], []
        metas = bulk(MetaPackage, [{"name": f"{p['name']}_{p['id']}"} for p in packages])
        for package, meta in zip(packages, metas, strict=True):
            pk = package["id"]
            for tag in rng.sample(tags, rng.randint(1, 4)):
                tag_rows.append({"package_id": pk, "tag_id": tag.pk})
            if rng.random() < 0.08:
                warning_rows.append(
                    {"package_id": pk, "contentwarning_id": rng.choice(warnings).pk}
                )
            maintainer_rows.append({"package_id": pk, "user_id": package["author_id"]})
            if package["type"] == PackageType.MOD:
                provide_rows.append({"package_id": pk, "metapackage_id": meta["id"]})
            for order in range(rng.randint(0, 4)):
                shots.append(
                    {
                        "package_id": pk,
                        "title": f"Screenshot {order + 1}",
                        "file": f"screenshots/{pk}/{order}.png",
                        "width": 1280,
                        "height": 720,
                        "order": order,
                        "approved": True,
                        "is_cover_image": order == 0,
                        "created_at": package["created_at"],
                    }
                )
        bulk(Package.tags.through, tag_rows)
        bulk(Package.content_warnings.through, warning_rows)
        bulk(Package.maintainers.through, maintainer_rows)
        bulk(Package.provides.through, provide_rows)
        bulk(Screenshot, shots)

        games = [p for p in packages if p["type"] == PackageType.GAME]
        support = []
        for package in packages:
            if package["type"] == PackageType.MOD and games:
                for game in rng.sample(games, min(len(games), rng.randint(0, 2))):
                    support.append(
                        {
                            "package_id": package["id"],
                            "game_id": game["id"],
                            "supports": True,
                            "confidence": 1,
                        }
                    )
        bulk(GameSupport, support)

        today = date(2026, 11, 22)
        stats = []
        for package in packages:
            if package["state"] != PackageState.APPROVED:
                continue
            for day in range(STATS_DAYS):
                new = rng.randrange(0, 20)
                stats.append(
                    {
                        "package_id": package["id"],
                        "date": today - timedelta(days=day),
                        "platform_minetest": new,
                        "platform_other": rng.randrange(0, 5),
                        "reason_new": new // 2,
                        "reason_dependency": new // 4,
                        "reason_update": new - new // 2 - new // 4,
                        "views_luanti": 0,
                    }
                )
        bulk(PackageDailyStats, stats)

    def _luanti_releases(self, rng, packages, n_releases: int, versions) -> int:
        releases = []
        counts = skewed_counts(rng, len(packages), n_releases, 1, 30)
        for package, count in zip(packages, counts, strict=True):
            min_index = rng.choice([None, None, 0, 3, 5, 6, 7, 8])
            for r in range(count):
                when = package["created_at"] + timedelta(days=20 * r)
                min_version = versions[min_index] if min_index is not None else None
                # some newest releases need a newer engine than 5.6: the list falls back
                if r == count - 1 and rng.random() < 0.15:
                    min_version = versions[8]
                releases.append(
                    release_row(
                        package_id=package["id"],
                        name=f"v{r // 3}.{r % 3}",
                        title=f"Release {r + 1}",
                        release_notes=f"Changes in release {r + 1}.",
                        approved_at=when,
                        min_luanti_version_id=min_version.pk if min_version else None,
                        commit=sha(f"{package['id']}:{r}")[:40],
                        downloads=rng.randrange(0, 500),
                        created_at=when,
                    )
                )
        releases = bulk(Release, releases)
        by_id = {p["id"]: p for p in packages}
        files = []
        for release in releases:
            package = by_id[release["package_id"]]
            filename = f"{package['name']}-{release['name']}.zip"
            files.append(file_row(package, release, FileKind.ZIP, "", filename))
        bulk(ReleaseFile, files)
        return len(releases)
