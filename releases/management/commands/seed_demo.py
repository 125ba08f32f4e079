"""A small, realistic data set so that a fresh `make run` shows a living site."""

import io
import zipfile
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import Rank
from accounts.services import get_or_create_user
from packages.games import set_game_support
from packages.models import (
    ContentWarning,
    License,
    Package,
    PackageDailyStats,
    PackageState,
    Review,
    Tag,
)
from packages.screenshots import add_screenshot
from packages.threads import open_review_thread, reply
from releases.models import Release, ReleaseFile
from releases.uploads import upload_rockspec
from releases.zip_releases import create_zip_release

DEMO_USERS = ["sofia", "rubens", "kaito", "lunar"]

LUANTI = [
    # author, type, name, title, short description, tags, license, conf lines
    (
        "sofia",
        "GAME",
        "voxel_valley",
        "Voxel Valley",
        "A calm survival game of farms and rivers.",
        ["survival", "singleplayer"],
        "GPL-3.0-only",
        [],
    ),
    (
        "sofia",
        "MOD",
        "farming_plus",
        "Farming Plus",
        "More crops, a kitchen and seasonal harvests.",
        ["food", "survival"],
        "MIT",
        ["depends = default", "supported_games = voxel_valley"],
    ),
    (
        "rubens",
        "MOD",
        "mobs_core",
        "Mobs Core",
        "An API for animals and monsters, with pathfinding.",
        ["mobs", "library"],
        "LGPL-2.1-or-later",
        [],
    ),
    (
        "rubens",
        "MOD",
        "wolves",
        "Wolves",
        "Packs of wolves that hunt at night.",
        ["mobs", "pve"],
        "MIT",
        [
            "depends = mobs_core",
            "optional_depends = farming_plus",
            "supported_games = voxel_valley",
        ],
    ),
    (
        "kaito",
        "TXP",
        "crisp16",
        "Crisp 16",
        "A sharp 16px texture pack with warm colours.",
        ["16px"],
        "CC-BY-SA-4.0",
        [],
    ),
    (
        "kaito",
        "MOD",
        "signs_lib",
        "Signs Library",
        "Readable signs and notice boards.",
        ["building", "decorative"],
        "MIT",
        [],
    ),
    (
        "lunar",
        "MOD",
        "lantern_posts",
        "Lantern Posts",
        "Lamp posts and street lights that light up the night.",
        ["building", "decorative"],
        "MIT",
        # valley_core is a mod of Voxel Valley: game support is detected from it
        ["depends = signs_lib, valley_core"],
    ),
]

ROCKS = [
    # author, name, versions, summary, license, deps
    ("lunar", "luafmt", ["1.0-1", "1.1-1"], "A code formatter for Lua.", "MIT", ["lua >= 5.1"]),
    (
        "lunar",
        "tinyjson",
        ["0.9-1", "1.0-1"],
        "A small, pure-Lua JSON encoder and decoder.",
        "MIT",
        ["lua >= 5.1, < 5.5"],
    ),
    ("rubens", "pathfind", ["2.0-1", "scm-1"], "A* pathfinding on grids.", "MIT/X11", []),
]

CONF_FILE = {"MOD": "mod.conf", "GAME": "game.conf", "TXP": "texture_pack.conf"}


def release_zip(package_type: str, name: str, title: str, conf_lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        conf = [f"name = {name}", f"title = {title}", *conf_lines]
        archive.writestr(f"{name}/{CONF_FILE[package_type]}", "\n".join(conf) + "\n")
        archive.writestr(
            f"{name}/LICENSE.txt", "MIT License\n"
        )  # ContentDB's rule for new packages
        if package_type == "MOD":
            archive.writestr(f"{name}/init.lua", f'core.log("action", "[{name}] loaded")\n')
        if package_type == "GAME":
            archive.writestr(f"{name}/mods/valley_core/mod.conf", "name = valley_core\n")
            archive.writestr(f"{name}/mods/valley_core/init.lua", "-- core of the game\n")
        if package_type == "TXP":
            archive.writestr(f"{name}/default_dirt.png", png_bytes(16, 16, (120, 80, 40)))
    return buffer.getvalue()


def png_bytes(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def rockspec_text(name: str, version: str, summary: str, license_name: str, deps: list[str]) -> str:
    upstream = version.rsplit("-", 1)[0]
    dependencies = ", ".join(f'"{dep}"' for dep in deps)
    module = name.replace("-", "_")
    return f"""package = "{name}"
version = "{version}"
source = {{
   url = "git+https://example.org/{name}.git",
   tag = "v{upstream}",
}}
description = {{
   summary = "{summary}",
   detailed = "{summary} Demo data of Lua Registry.",
   homepage = "https://example.org/{name}",
   license = "{license_name}",
}}
dependencies = {{ {dependencies} }}
build = {{
   type = "builtin",
   modules = {{ {module} = "src/{module}.lua" }},
}}
"""


DAYS_OF_HISTORY = 30


def spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole numbers that add up to it, growing towards the last."""
    weights = list(range(1, parts + 1))
    shares = [total * w // sum(weights) for w in weights]
    for i in range(total - sum(shares)):
        shares[-1 - i % parts] += 1
    return shares


def record_downloads(package: Package, total: int, *, luanti_share: float) -> None:
    """A download history that agrees with itself: the daily counts of the last DAYS_OF_HISTORY
    days, the releases' counts (newer releases more) and their files' counts all add up to the
    package's `total`."""
    today = timezone.now().date()
    for day, count in enumerate(spread(total, DAYS_OF_HISTORY)):
        luanti = round(count * luanti_share)
        PackageDailyStats.objects.create(
            package=package,
            date=today - timedelta(days=DAYS_OF_HISTORY - 1 - day),
            platform_minetest=luanti,
            platform_other=count - luanti,
            reason_new=count // 2,
            reason_update=count - count // 2,
        )
    releases = list(package.releases.order_by("created_at", "id"))
    for release, count in zip(releases, spread(total, len(releases)), strict=True):
        Release.objects.filter(pk=release.pk).update(downloads=count)
        files = list(release.files.order_by("id"))
        for file, file_count in zip(files, spread(count, len(files)), strict=True):
            ReleaseFile.objects.filter(pk=file.pk).update(downloads=file_count)
    Package.objects.filter(pk=package.pk).update(downloads=total)


class Command(BaseCommand):
    help = "Load a small demo data set (users, mods, a game, a texture pack, rocks). Runs once."

    def handle(self, *args, **options):
        if Package.objects.filter(author__username__in=DEMO_USERS).exists():
            self.stdout.write("Demo data is already loaded.")
            return
        with transaction.atomic():
            users = {name: get_or_create_user(username=name)[0] for name in DEMO_USERS}
            for user in users.values():
                # Established authors: their releases and screenshots go live without review.
                user.display_name = user.username.capitalize()
                user.rank = Rank.TRUSTED_MEMBER
                user.save(update_fields=["display_name", "rank"])
            packages = self.seed_luanti(users)
            self.seed_rocks(users)
            self.seed_reviews(users, packages)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def seed_luanti(self, users) -> dict[str, Package]:
        now = timezone.now()
        packages = {}
        for index, (author, ptype, name, title, short, tags, license_name, conf) in enumerate(
            LUANTI
        ):
            licence = License.objects.get(name=license_name)
            package = Package.objects.create(
                author=users[author],
                name=name,
                title=title,
                type=ptype,
                short_description=short,
                long_description=f"# {title}\n\n{short}\n\n* Works with **Luanti 5.6** and newer.\n",
                license=licence,
                media_license=licence,
                state=PackageState.APPROVED,
                approved_at=now - timedelta(days=30 - index),
                created_at=now - timedelta(days=40 - index),
                repo=f"https://example.org/{author}/{name}",
                dev_state="ACTIVELY_DEVELOPED",
                score=10.0 * (len(LUANTI) - index),
            )
            package.maintainers.add(users[author])
            package.tags.set(Tag.objects.filter(name__in=tags))
            # The same services as an upload: provides and dependencies come from the .conf.
            create_zip_release(
                package=package,
                by=users[author],
                name="1.0.0",
                title=f"{title} 1.0.0",
                release_notes="First public release.",
                file=release_zip(ptype, name, title, conf),
            )
            add_screenshot(
                package=package,
                by=users[author],
                title=f"{title} in game",
                file=png_bytes(1280, 720, (40 + 30 * index, 120, 90)),
                is_cover_image=True,
            )
            record_downloads(package, 100 * (index + 1), luanti_share=0.8)
            packages[name] = package
        # mobs_core says nothing about games: the author's word, as on the website
        set_game_support(
            package=packages["mobs_core"],
            by=users["rubens"],
            games={packages["voxel_valley"].pk: True},
        )
        packages["wolves"].content_warnings.set(ContentWarning.objects.filter(name="violence"))
        return packages

    def seed_rocks(self, users) -> None:
        for author, name, versions, summary, license_name, deps in ROCKS:
            for version in versions:
                upload_rockspec(
                    by=users[author],
                    filename=f"{name}-{version}.rockspec",
                    content=rockspec_text(name, version, summary, license_name, deps).encode(),
                )
            package = Package.objects.get(author=users[author], name=name, type="ROCK")
            Package.objects.filter(pk=package.pk).update(labels=["demo"])
            record_downloads(package, 42, luanti_share=0.0)

    def seed_reviews(self, users, packages) -> None:
        lovely = Review.objects.create(
            package=packages["farming_plus"],
            author=users["rubens"],
            rating=Review.Rating.POSITIVE,
            title="Lovely crops",
            comment="The kitchen is a great touch.",
        )
        scary = Review.objects.create(
            package=packages["wolves"],
            author=users["kaito"],
            rating=Review.Rating.NEUTRAL,
            title="Scary at night",
            comment="Works well, a bit too many wolves for me.",
        )
        # every review opens its public thread, as write_review does; one has an answer
        thread = open_review_thread(review=lovely)
        open_review_thread(review=scary)
        farming = packages["farming_plus"]
        reply(by=farming.author, thread=thread, body="Thank you! More recipes are coming.")
