"""LuaRocks version ordering and constraint matching, as the client computes them.

A port of `luarocks/core/vers.lua` (3.8.0, unchanged through 3.13) and the constraint parser in
`luarocks/queries.lua` (docs/protocols/luarocks.md trap 15). Everything that sorts rock versions or filters
by a `lua` dependency goes through here, so the site predicts what `luarocks install` picks.

Numbers are kept as Python floats because the client does its arithmetic in Lua doubles
(`rc2` is `-1000 + 2/100000`).
"""

import functools
import re
from dataclasses import dataclass

# core/vers.lua `deltas`: words that sort above (dev, scm, cvs) or below (rc, pre, ...) numbers.
DELTAS = {
    "dev": 120000000.0,
    "scm": 110000000.0,
    "cvs": 100000000.0,
    "rc": -1000.0,
    "pre": -10000.0,
    "beta": -100000.0,
    "alpha": -1000000.0,
}

_REVISION = re.compile(r"^(.*)-([0-9]+)\Z", re.DOTALL)
_NUMBER = re.compile(r"^([0-9]+)[.\-_]*(.*)$", re.DOTALL)
_WORD = re.compile(r"^([A-Za-z]+)[.\-_]*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Version:
    """A parsed version: numeric components plus an optional revision (the `-N` suffix)."""

    string: str
    components: tuple[float, ...]
    revision: int | None


@functools.lru_cache(maxsize=65536)
def parse_version(text: str) -> Version:
    """`vers.parse_version`: never fails; an unparsable tail becomes a 0 component, as in the client."""
    # `^%s*(.*)%s*$`: leading space is trimmed; the greedy `.*` keeps trailing space.
    v = text.lstrip(" \t\n\r\f\v")
    original = v
    revision = None
    match = _REVISION.match(v)
    if match:
        v, revision = match.group(1), int(match.group(2))
    components: list[float] = []
    i = 0  # index of the next component; a word does not advance it, the number after it does
    while v:
        number = _NUMBER.match(v)
        if number:
            value = float(int(number.group(1)))
            if i < len(components):
                components[i] += value / 100000
            else:
                components.append(value)
            i += 1
            v = number.group(2)
            continue
        word = _WORD.match(v)
        if not word:
            _set(components, i, 0.0)  # the client warns "could not be parsed" and stops here
            break
        token = word.group(1)
        _set(components, i, DELTAS.get(token, ord(token[0]) / 1000))
        v = word.group(2)
    return Version(string=original, components=tuple(components), revision=revision)


def _set(components: list[float], i: int, value: float) -> None:
    if i < len(components):
        components[i] = value
    else:
        components.append(value)


def _lt(a: Version, b: Version) -> bool:
    """The client's `<`: components padded with zeros, revisions only when both have one."""
    for i in range(max(len(a.components), len(b.components))):
        ai = a.components[i] if i < len(a.components) else 0.0
        bi = b.components[i] if i < len(b.components) else 0.0
        if ai != bi:
            return ai < bi
    if a.revision is not None and b.revision is not None:
        return a.revision < b.revision
    return False


def _eq(a: Version, b: Version) -> bool:
    """The client's `==`: false when the component counts differ (`1.0` ~= `1.0.0`)."""
    if a.components != b.components:
        return False
    if a.revision is not None and b.revision is not None:
        return a.revision == b.revision
    return True


def version_lt(a: str, b: str) -> bool:
    """Whether the client considers version `a` lower than `b`."""
    return _lt(parse_version(a), parse_version(b))


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1: the order `version_key` sorts by.

    It is the client's `<` with one refinement that makes it a total preorder: when the numbers tie
    and only one side has a revision, the missing revision counts as 0 (the client calls such a pair
    unordered, which is not transitive). Rockspec versions always carry a revision, so for them this
    is exactly the client's order.
    """
    pa, pb = parse_version(a), parse_version(b)
    for i in range(max(len(pa.components), len(pb.components))):
        ai = pa.components[i] if i < len(pa.components) else 0.0
        bi = pb.components[i] if i < len(pb.components) else 0.0
        if ai != bi:
            return -1 if ai < bi else 1
    ra, rb = pa.revision or 0, pb.revision or 0
    return (ra > rb) - (ra < rb)


version_key = functools.cmp_to_key(compare_versions)
"""Sort key: `sorted(names, key=version_key)` orders oldest first, as the client would."""


def sort_versions(versions, *, newest_first: bool = False) -> list[str]:
    """The same order as `version_key`, faster: tuple keys padded to the longest version given."""
    versions = list(versions)
    parsed = [parse_version(v) for v in versions]
    width = max((len(p.components) for p in parsed), default=0)
    keys = [(*p.components, *(0.0,) * (width - len(p.components)), p.revision or 0) for p in parsed]
    order = sorted(range(len(versions)), key=keys.__getitem__, reverse=newest_first)
    return [versions[i] for i in order]


# --- constraints (queries.lua) -------------------------------------------------------------------

_OPERATORS = {
    "==": "==",
    "~=": "~=",
    ">": ">",
    "<": "<",
    ">=": ">=",
    "<=": "<=",
    "~>": "~>",
    "": "==",
    "=": "==",
    "!=": "~=",
}
# `^(@?)([<>=~!]*)%s*([%w%.%_%-]+)[%s,]*(.*)`
_CONSTRAINT = re.compile(
    r"^(@?)([<>=~!]*)[ \t\n\r\f\v]*([A-Za-z0-9._\-]+)[ \t\n\r\f\v,]*(.*)\Z", re.DOTALL
)
# `^%s*([a-zA-Z0-9%.%-%_]*/?[a-zA-Z0-9][a-zA-Z0-9%.%-%_]*)%s*([^/]*)`: the rest stops at a slash
_DEPENDENCY = re.compile(
    r"^[ \t\n\r\f\v]*([A-Za-z0-9.\-_]*/?[A-Za-z0-9][A-Za-z0-9.\-_]*)[ \t\n\r\f\v]*([^/]*)",
    re.DOTALL,
)


class ConstraintError(ValueError):
    """A dependency string the client itself could not parse."""


@dataclass(frozen=True)
class Constraint:
    op: str
    version: Version


def parse_constraints(text: str) -> list[Constraint]:
    """`>= 5.1, < 5.4` -> constraints; raises ConstraintError where the client would fail."""
    constraints = []
    rest = text
    while rest:
        match = _CONSTRAINT.match(rest)
        if not match or match.group(2) not in _OPERATORS:
            raise ConstraintError(f"Failed to parse constraint {text!r}")
        constraints.append(Constraint(_OPERATORS[match.group(2)], parse_version(match.group(3))))
        rest = match.group(4)
    return constraints


def parse_dependency(text: str) -> tuple[str, list[Constraint]]:
    """`lua >= 5.1, < 5.4` -> ("lua", [...]), as `queries.from_dep_string` reads it."""
    match = _DEPENDENCY.match(text)
    if not match:
        raise ConstraintError(f"Failed to extract dependency name from {text!r}")
    return match.group(1), parse_constraints(match.group(2))


def _partial_match(version: Version, requested: Version) -> bool:
    """`~>`: the requested components match, the others are ignored (`~> 5.1` takes 5.1.x)."""
    for i, ri in enumerate(requested.components):
        vi = version.components[i] if i < len(version.components) else 0.0
        if ri != vi:
            return False
    if requested.revision is not None:
        return requested.revision == version.revision
    return True


def match_constraints(version: str, constraints: list[Constraint]) -> bool:
    v = parse_version(version)
    for c in constraints:
        if c.op == "==":
            ok = _eq(v, c.version)
        elif c.op == "~=":
            ok = not _eq(v, c.version)
        elif c.op == ">":
            ok = _lt(c.version, v)
        elif c.op == "<":
            ok = _lt(v, c.version)
        elif c.op == ">=":
            ok = not _lt(v, c.version)
        elif c.op == "<=":
            ok = not _lt(c.version, v)
        else:  # "~>"
            ok = _partial_match(v, c.version)
        if not ok:
            return False
    return True


@functools.lru_cache(maxsize=4096)
def lua_dependency_allows(dependency: str, lua_version: str) -> bool:
    """Whether a release whose `lua` dependency is `dependency` belongs in `manifest-<lua_version>`.

    An empty dependency allows every Lua; one that does not parse allows none (luarocks-site#87 skips
    such versions rather than failing the whole manifest).
    """
    if not dependency.strip():
        return True
    try:
        _name, constraints = parse_dependency(dependency)
    except ConstraintError:
        return False
    return match_constraints(lua_version, constraints)
