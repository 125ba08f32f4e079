"""Luanti `.conf` files (mod.conf, modpack.conf, game.conf, texture_pack.conf) and what a release
derives from them: the mod names it provides, its dependencies and its Luanti version range.

The format is Luanti's Settings text: `key = value` lines, `#` comments, blank lines, and values
spanning lines between triple double-quote markers. Like ContentDB (docs/protocols/contentdb.md section 4) a line without
`=`, an empty key, an unclosed multi-line value and a repeated key are errors, so an author hears
about a typo instead of getting a silently ignored setting; a value ends at a second `=`, as
ContentDB reads it. Legacy `depends.txt` (one name a line, `?` for optional) is read when mod.conf
sets neither depends nor optional_depends, as ContentDB and Luanti do.
"""

import re
from dataclasses import dataclass, field

from packages.models import LuantiVersion
from releases.errors import InvalidLuantiContent
from releases.translations import ReleaseTranslations

MOD_NAME = re.compile(r"[a-z0-9_]+")
# Names Luanti reserves for its own globals (ContentDB refuses them as mod names).
RESERVED_MOD_NAMES = frozenset(
    [
        "core",
        "minetest",
        "group",
        "table",
        "string",
        "lua",
        "luajit",
        "assert",
        "debug",
        "error",
        "next",
        "pairs",
        "print",
        "select",
        "type",
        "pack",
        "unpack",
        "builtin",
    ]
)
MULTILINE = '"""'


def parse_conf(text: str, *, filename: str) -> dict[str, str]:
    """Parse a .conf file's text into a dict; raises InvalidLuantiContent naming file and line."""
    values: dict[str, str] = {}
    lines = text.splitlines()  # every line break Python knows, as ContentDB's parser splits
    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        # ContentDB splits at most twice and keeps the middle part: the value ends at a second
        # `=` (`description = a = b` is "a"); Luanti itself would keep "a = b"
        key, sep, rest = line.partition("=")
        value = rest.partition("=")[0]
        key, value = key.strip(), value.strip()
        if not sep:
            raise InvalidLuantiContent(f"{filename}, line {number}: expected key = value")
        if not key:
            raise InvalidLuantiContent(f"{filename}, line {number}: the key is empty")
        if key in values:
            raise InvalidLuantiContent(f"{filename}, line {number}: {key} is set twice")
        if value.startswith(MULTILINE):
            rest = value[len(MULTILINE) :]
            if MULTILINE in rest:  # opened and closed on one line
                value = rest[: rest.index(MULTILINE)]
            else:
                collected = [rest] if rest else []
                while True:
                    if index >= len(lines):
                        raise InvalidLuantiContent(
                            f'{filename}, line {number}: the """ value of {key} is never closed'
                        )
                    raw = lines[index]
                    index += 1
                    if raw.strip() == MULTILINE:
                        break
                    collected.append(raw)
                value = "\n".join(collected)
        values[key] = value
    return values


def name_list(values: dict[str, str], key: str, *, filename: str) -> list[str]:
    """A comma-separated list of mod names (`depends = default, farming`)."""
    names = []
    for item in values.get(key, "").split(","):
        name = item.strip()
        if not name:
            continue
        check_mod_name(name, what=f"{filename}: {key} entry")
        if name not in names:
            names.append(name)
    return names


def check_mod_name(name: str, *, what: str) -> None:
    if not MOD_NAME.fullmatch(name):
        raise InvalidLuantiContent(
            f"{what} {name!r} is not a valid mod name (only a-z, 0-9 and _ are allowed)"
        )
    if name in RESERVED_MOD_NAMES:
        raise InvalidLuantiContent(f"{what} {name!r} is a name reserved by Luanti")


@dataclass
class ModInfo:
    """One mod found in a release: its name and what it depends on."""

    name: str
    depends: list[str] = field(default_factory=list)
    optional_depends: list[str] = field(default_factory=list)


@dataclass
class ContentInfo:
    """What a release's content says about itself."""

    kind: str  # "mod", "modpack", "game", "txp"
    conf: dict[str, str]
    mods: list[ModInfo]
    translations: ReleaseTranslations = field(default_factory=ReleaseTranslations)

    @property
    def provides(self) -> list[str]:
        return sorted({mod.name for mod in self.mods})

    def dependencies(self) -> tuple[list[str], list[str]]:
        """(hard, optional) mod names needed from outside the release; hard wins over optional."""
        provided = set(self.provides)
        hard = sorted({d for mod in self.mods for d in mod.depends} - provided)
        optional = sorted(
            {d for mod in self.mods for d in mod.optional_depends} - provided - set(hard)
        )
        return hard, optional


def conf_luanti_version(value: str | None) -> LuantiVersion | None:
    """A `.conf` file's `min_minetest_version`/`max_minetest_version`: an unknown or malformed
    version is ignored, as ContentDB ignores it (its LuantiRelease.get gives None), so a mod
    written for a newer Luanti than this registry knows is still accepted."""
    try:
        return luanti_version(value, key="")
    except InvalidLuantiContent:
        return None


def luanti_version(value: str | None, *, key: str) -> LuantiVersion | None:
    """The LuantiVersion row for a `min_minetest_version`-style value (`5.4`, `5.4.1`, `5.15-dev`).

    Matched on major.minor against the row name without `-dev`, as ContentDB does.
    """
    if value is None or not value.strip():
        return None
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?(?:-dev)?\s*", value)
    if not match:
        raise InvalidLuantiContent(f"{key}: {value!r} is not a Luanti version such as 5.4")
    wanted = f"{int(match[1])}.{int(match[2])}"
    for version in LuantiVersion.objects.all():
        if version.name.removesuffix("-dev") == wanted:
            return version
    raise InvalidLuantiContent(f"{key}: Luanti {value.strip()} is not a known Luanti version")
