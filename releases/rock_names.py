"""The public file names of rockspecs and rocks, and the one way to read a name back.

The luarocks client builds every file URL from a manifest entry, `<name>-<version>.rockspec` or
`<name>-<version>.<arch>.rock`, and a server must answer each such name with exactly one file. Names may
contain hyphens (`lua-cjson`), so the grammar holds only if versions do not: luarocks' own rule
(`type/rockspec.lua`: version matches `^[%w.]+-[%d]+$`, `%w` being ASCII letters and digits) allows
one hyphen, before the revision. With it, a file name splits one way only: the arch is what follows
the last `.` (arches hold no `.`), the revision what follows the last `-`, the version's first part
what lies between the two last `-`, the package name the rest. Package names are stored lowercase
(`Package.name`), arches are stored lowercase, versions keep the author's spelling because the client
checks a downloaded rockspec's name against `lower(package)-<version as written>.rockspec`.

Before this rule, package `e2e` version `victim-1.0-1` had the file name of `e2e-victim` 1.0-1, and a
server that looked files up by name served one owner's bytes for the other's package
(docs/security.md, "Package confusion").
"""

import re
from dataclasses import dataclass

NAME_PART = r"[a-z0-9._-]+"
VERSION_PART = r"[A-Za-z0-9.]+-[0-9]+"
ARCH_PART = r"[a-z0-9_-]+"

# what the luarocks client accepts as a version (the whole string)
LUAROCKS_VERSION = re.compile(VERSION_PART)
# `rockspec` is how manifests list the rockspec itself, `installed` how the client marks rocks of
# its local trees (path.make_url turns it into a directory path): neither can name a rock
RESERVED_ARCHES = frozenset({"rockspec", "installed"})

# Anchored with \A and \Z: the same text is a Python `re` pattern and a PostgreSQL regular
# expression (the database CHECK constraints in releases.models use these three).
ROCKSPEC_FILENAME = rf"\A{NAME_PART}-{VERSION_PART}\.rockspec\Z"
ROCK_FILENAME = rf"\A{NAME_PART}-{VERSION_PART}\.{ARCH_PART}\.rock\Z"
ARCH = rf"\A{ARCH_PART}\Z"

_PUBLIC_NAME = re.compile(
    rf"(?P<name>{NAME_PART})-(?P<version>{VERSION_PART})"
    rf"(?:\.rockspec|\.(?P<arch>{ARCH_PART})\.rock)"
)


@dataclass(frozen=True)
class PublicFileName:
    """What a file URL asks for: a package name, a version, and a rock arch ("" for the rockspec)."""

    name: str
    version: str
    arch: str

    @property
    def is_rock(self) -> bool:
        return bool(self.arch)


def is_luarocks_version(version: str) -> bool:
    return LUAROCKS_VERSION.fullmatch(version) is not None


def rockspec_filename(*, name: str, version: str) -> str:
    return f"{name}-{version}.rockspec"


def rock_filename(*, name: str, version: str, arch: str) -> str:
    return f"{name}-{version}.{arch}.rock"


def parse_public_filename(filename: str) -> PublicFileName | None:
    """(name, version, arch) of a well-formed public file name, or None. The one reading there is."""
    match = _PUBLIC_NAME.fullmatch(filename)
    if match is None or (match["arch"] or "") in RESERVED_ARCHES:
        return None
    return PublicFileName(match["name"], match["version"], match["arch"] or "")
