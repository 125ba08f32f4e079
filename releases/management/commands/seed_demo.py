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
        "lanterns",
        "Lanterns",
        "Paper lanterns and lamp posts that light up the night.",
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
                downloads=100 * (index + 1),
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
            for day in range(7):
                PackageDailyStats.objects.create(
                    package=package,
                    date=(now - timedelta(days=day)).date(),
                    platform_minetest=3 + day,
                    platform_other=1,
                    reason_new=2 + day,
                    reason_update=2,
                )
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
            Package.objects.filter(author=users[author], name=name, type="ROCK").update(
                labels=["demo"], downloads=42
            )

    def seed_reviews(self, users, packages) -> None:
        Review.objects.create(
            package=packages["farming_plus"],
            author=users["rubens"],
            rating=Review.Rating.POSITIVE,
            title="Lovely crops",
            comment="The kitchen is a great touch.",
        )
        Review.objects.create(
            package=packages["wolves"],
            author=users["kaito"],
            rating=Review.Rating.NEUTRAL,
            title="Scary at night",
            comment="Works well, a bit too many wolves for me.",
        )
