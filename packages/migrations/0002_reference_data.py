"""Reference data every registry needs from the first start: licenses, tags, warnings, Luanti versions."""

from django.db import migrations

LICENSES = [
    # (SPDX name, is_foss)
    ("AGPL-3.0-only", True), ("AGPL-3.0-or-later", True), ("Apache-2.0", True), ("BSD-2-Clause", True),
    ("BSD-3-Clause", True), ("CC-BY-3.0", True), ("CC-BY-4.0", True), ("CC-BY-SA-3.0", True),
    ("CC-BY-SA-4.0", True), ("CC0-1.0", True), ("EUPL-1.2", True), ("GPL-2.0-only", True),
    ("GPL-2.0-or-later", True), ("GPL-3.0-only", True), ("GPL-3.0-or-later", True), ("ISC", True),
    ("LGPL-2.1-only", True), ("LGPL-2.1-or-later", True), ("LGPL-3.0-only", True),
    ("LGPL-3.0-or-later", True), ("MIT", True), ("MPL-2.0", True), ("Unlicense", True),
    ("WTFPL", True), ("Zlib", True), ("Other (FOSS)", True),
    ("CC-BY-NC-3.0", False), ("CC-BY-NC-4.0", False), ("CC-BY-NC-SA-3.0", False),
    ("CC-BY-NC-SA-4.0", False), ("CC-BY-ND-4.0", False), ("All Rights Reserved", False),
    ("Other (Non-FOSS)", False),
]

TAGS = [
    ("adventure__rpg", "Adventure / RPG", "Quests, exploration and character progression."),
    ("building", "Building", "Blocks and materials to build with."),
    ("building_mechanics", "Building mechanics", "Tools and mechanics that change how you build."),
    ("chat", "Chat", "Chat commands and chat features."),
    ("commands", "Commands", "Chat commands for players or admins."),
    ("crafting", "Crafting", "New recipes and crafting mechanics."),
    ("creative", "Creative", "For creative play."),
    ("decorative", "Decorative", "Decorations and furniture."),
    ("education", "Education", "Learning and teaching."),
    ("environment", "Environment", "Weather, plants, ecosystems."),
    ("food", "Food", "Food and farming."),
    ("gui", "GUI", "User interfaces and formspecs."),
    ("hud", "HUD", "On-screen information."),
    ("inventory", "Inventory", "Inventory management."),
    ("library", "Library / API", "Code for other mods to use."),
    ("magic", "Magic", "Spells, potions and enchantments."),
    ("mapgen", "Mapgen", "Terrain and world generation."),
    ("minigame", "Minigame", "Small games inside a world."),
    ("mobs", "Mobs", "Animals, monsters and NPCs."),
    ("multiplayer", "Multiplayer", "Designed for servers."),
    ("player_effects", "Player effects", "Status effects on players."),
    ("puzzle", "Puzzle", "Puzzles and logic."),
    ("pve", "PvE", "Player versus environment."),
    ("pvp", "PvP", "Player versus player."),
    ("singleplayer", "Singleplayer", "Designed for playing alone."),
    ("skins", "Skins", "Player appearance."),
    ("sound_music", "Sounds and music", "Sound effects and music."),
    ("storage", "Storage", "Chests and item storage."),
    ("survival", "Survival", "Survival gameplay."),
    ("technology", "Technology", "Machines, electricity and automation."),
    ("tools", "Tools", "Tools and weapons."),
    ("transport", "Transport", "Vehicles, rails and travel."),
    ("world_tools", "World tools", "Editing and managing worlds."),
    ("16px", "16px", "Texture resolution of 16x16."),
    ("32px", "32px", "Texture resolution of 32x32."),
    ("64px", "64px", "Texture resolution of 64x64."),
    ("128px", "128px+", "Texture resolution of 128x128 or more."),
]

CONTENT_WARNINGS = [
    ("alcohol_tobacco", "Alcohol / Tobacco", "Contains alcohol or tobacco."),
    ("bad_language", "Bad language", "Contains swearing."),
    ("drugs", "Drugs", "Contains recreational drugs."),
    ("gambling", "Gambling", "Contains gambling."),
    ("gore", "Gore", "Contains blood or gore."),
    ("horror", "Fear / Horror", "Contains frightening content."),
    ("violence", "Violence", "Contains violence against humans or animals."),
]

# Release order matters: ContentDB compares min/max versions by row age.
LUANTI_VERSIONS = [
    ("5.0", 37), ("5.1", 38), ("5.2", 39), ("5.3", 39), ("5.4", 39), ("5.5", 40), ("5.6", 41),
    ("5.7", 42), ("5.8", 43), ("5.9", 44), ("5.10", 46), ("5.11", 47), ("5.12", 48), ("5.13", 49),
    ("5.14", 50), ("5.15-dev", 51),
]

LANGUAGES = [
    ("en", "English", True), ("de", "Deutsch", True), ("es", "Español", True), ("fr", "Français", True),
    ("it", "Italiano", True), ("ja", "日本語", False), ("pl", "Polski", False),
    ("pt_BR", "Português do Brasil", False), ("ru", "Русский", True), ("uk", "Українська", False),
    ("zh_CN", "简体中文", True), ("zh_TW", "正體中文", False),
]


def load(apps, schema_editor):
    License = apps.get_model("packages", "License")
    Tag = apps.get_model("packages", "Tag")
    ContentWarning = apps.get_model("packages", "ContentWarning")
    LuantiVersion = apps.get_model("packages", "LuantiVersion")
    Language = apps.get_model("packages", "Language")
    License.objects.bulk_create([License(name=n, is_foss=f) for n, f in LICENSES])
    Tag.objects.bulk_create([Tag(name=n, title=t, description=d) for n, t, d in TAGS])
    ContentWarning.objects.bulk_create(
        [ContentWarning(name=n, title=t, description=d) for n, t, d in CONTENT_WARNINGS]
    )
    for name, protocol in LUANTI_VERSIONS:
        LuantiVersion.objects.create(name=name, protocol_version=protocol, is_dev=name.endswith("-dev"))
    Language.objects.bulk_create(
        [Language(id=c, title=t, has_contentdb_translation=h) for c, t, h in LANGUAGES]
    )


def unload(apps, schema_editor):
    for model in ["License", "Tag", "ContentWarning", "LuantiVersion", "Language"]:
        apps.get_model("packages", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("packages", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
