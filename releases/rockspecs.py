"""Evaluate an uploaded rockspec in a Lua sandbox and read what a registry needs from it.

A rockspec is a Lua program written by a stranger. luarocks.org runs it with `loadstring` into an
empty environment under a 2000-line debug hook (docs/protocols/luarocks.md 2.1). We do the same with lupa's
bundled Lua 5.1 (the dialect rockspecs are written in), in a LuaRuntime made for this one rockspec:

- only source text is loaded: a leading `#!` line is stripped and precompiled bytecode (which Lua 5.1
  loads without any check and which can break out of any sandbox) is refused;
- the chunk's environment is an empty table: no print/require/os/io/load/setfenv/getmetatable;
- every string shares one metatable whose `__index` is the `string` library, so even with an empty
  environment `("x"):rep(1e9)` would reach it. In this runtime it points to a small string library
  whose functions take bounded inputs (string methods appear in real rockspecs:
  `tag = "v" .. version:match("^([^-]+)")`), see _RUNNER. It has every name Lua 5.1's has, so a
  rockspec cannot tell this sandbox from the client by a missing one; `dump` raises when called;
- limits: INSTRUCTION_LIMIT Lua VM instructions (a count hook every HOOK_INTERVAL instructions),
  MAX_MEMORY bytes for the whole runtime (lupa's allocator refuses more), TIME_LIMIT seconds of wall
  clock (checked by the same hook; no C function reachable from the rockspec can run long on the
  inputs it accepts, so the hook always gets its turn soon);
- the result is copied into plain Python data (bytes, numbers, booleans, dicts, lists) bounded in
  depth, node count and string bytes, and the runtime is dropped. No Lua object leaves this module.

A syntax error is "Failed to parse rockspec"; a runtime error or any limit "Failed to eval rockspec".
"""

import math
import re
import time
from dataclasses import dataclass

from lupa import lua51

from packages.models import MAX_LABELS
from releases.errors import InvalidRockspec
from releases.models import Release
from releases.rock_names import is_luarocks_version, rockspec_filename

# real rockspecs are a few KiB; luarocks.org's 2000 executed lines are ~200 KiB
MAX_ROCKSPEC_SIZE = 512 * 1024
MAX_MEMORY = 16 * 1024 * 1024
INSTRUCTION_LIMIT = 500_000  # a 2000-line declarative rockspec needs ~20,000
HOOK_INTERVAL = 10  # a hook between any two calls of the string library
TIME_LIMIT = 0.5  # seconds
# what the string methods accept (see _RUNNER): linear functions up to MAX_STRING bytes; patterns
# only on short subjects with few quantifiers, which bounds Lua's backtracking to ~256^3 steps
MAX_STRING = 64 * 1024
MAX_MATCH_SUBJECT = 256
MAX_MATCH_PATTERN = 64
MAX_MATCH_QUANTIFIERS = 2
MAX_DEPTH = 32
MAX_NODES = 50_000
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPENDENCIES = 500

PARSE_FAILED = "Failed to parse rockspec"
EVAL_FAILED = "Failed to eval rockspec"
TOO_COMPLEX = "Invalid rockspec (too complex)"
TOO_LARGE = f"Invalid rockspec (larger than {MAX_ROCKSPEC_SIZE} bytes)"
NO_REVISION = "Invalid rockspec (version must end with -<revision>, e.g. 1.0-1)"
# luarocks.org checks no more than the characters; the wording follows its other version messages
INVALID_VERSION = (
    "Invalid rockspec (version must be letters, digits and periods, then -<revision>, "
    "e.g. 1.0-1 or 2.1rc1-1, as the luarocks client requires)"
)

# Characters that may go into manifests, file names and URLs (docs/protocols/luarocks.md trap 9).
MANIFEST_STRING = re.compile(rb"[A-Za-z0-9._-]{1,255}")
VERSION_WITH_REVISION = re.compile(r".+-[0-9]+")
DEPENDENCY = re.compile(r"\s*([^\s<>=~]+)\s*(.*?)\s*", re.DOTALL)
LUA_DEPENDENCY = re.compile(r"lua\s")  # luarocks.org: the first dependency matching ^lua%s

_RUNNER = b"""
local loadstring, setfenv, create, resume, sethook = loadstring, setfenv, coroutine.create,
  coroutine.resume, debug.sethook
local error, type, select, string, tostring = error, type, select, string, tostring
local MAX_STRING, MAX_SUBJECT, MAX_PATTERN, MAX_QUANTIFIERS = ...

-- Every string shares one metatable whose __index is the string library: even with an empty
-- environment ("x"):rep(1e9) reaches it. Rockspecs do call methods on strings (`tag = "v" ..
-- version:match("^([^-]+)")`), so __index becomes a string library whose C functions can only be
-- given small inputs: a C function runs without debug hooks, and Lua patterns backtrack, so
-- ("a"):rep(200):find(("a-"):rep(20) .. "b") would run for hours.
local function small(...)
  for i = 1, select("#", ...) do
    local value = select(i, ...)
    if type(value) == "string" and #value > MAX_STRING then error("string too long", 3) end
  end
end
local function plain(f)
  return function(...) small(...) return f(...) end
end
local function quantifiers(pattern)
  local count, i = 0, 1
  while i <= #pattern do
    local c = pattern:sub(i, i)
    if c == "%" then i = i + 1
    elseif c == "*" or c == "+" or c == "-" or c == "?" then count = count + 1 end
    i = i + 1
  end
  return count
end
local function matcher(f)
  return function(subject, pattern, ...)
    if type(subject) == "string" and #subject > MAX_SUBJECT
      or type(pattern) ~= "string" or #pattern > MAX_PATTERN
      or quantifiers(pattern) > MAX_QUANTIFIERS then
      error("pattern too complex for a rockspec", 2)
    end
    return f(subject, pattern, ...)
  end
end
-- Every name of Lua 5.1's string library is there, as in the client: a rockspec that could see a
-- missing key (`("").dump == nil`) would know it runs here and could show us one package and the
-- client another. What we refuse raises when called, and an error fails the upload.
local gmatch = matcher(string.gmatch)
local library = {
  byte = plain(string.byte), char = string.char, format = plain(string.format),
  len = string.len, lower = plain(string.lower), upper = plain(string.upper),
  reverse = plain(string.reverse), sub = plain(string.sub),
  rep = function(s, n, ...)
    small(s)
    if type(n) ~= "number" or n > MAX_STRING or #tostring(s) * n > MAX_STRING then
      error("string too long", 2)
    end
    return string.rep(s, n, ...)
  end,
  find = matcher(string.find), match = matcher(string.match),
  gmatch = gmatch, gsub = matcher(string.gsub),
  gfind = gmatch, -- in Lua 5.1 the same function as gmatch (LUA_COMPAT_GFIND)
  dump = function() error("string.dump is not available in a rockspec", 2) end,
}
getmetatable("").__index = library

return function(source, clock, deadline, budget, interval)
  local chunk, message = loadstring(source, "=rockspec")
  if not chunk then return "parse", message end
  local spec = {}
  setfenv(chunk, spec)
  local thread = create(chunk)
  local hooks = 0
  sethook(thread, function()
    hooks = hooks + 1
    if hooks > budget or clock() > deadline then
      error("rockspec evaluation limit reached", 0)
    end
  end, "", interval)
  local ok, err = resume(thread)
  if not ok then return "eval", err end
  return "ok", spec
end
"""


def _refuse_attributes(obj, name, is_setting):
    # The only Python object Lua sees is the clock, an upvalue of the hook the rockspec cannot reach;
    # even so, no Python attribute is reachable from this runtime.
    raise AttributeError(name)


def evaluate_rockspec(content: bytes) -> dict:
    """Run the rockspec in the sandbox and return its globals as plain Python data."""
    if len(content) > MAX_ROCKSPEC_SIZE:
        raise InvalidRockspec(TOO_LARGE)
    if content.startswith(b"#"):
        # like luarocks.org: drop the `#!` line but keep its newline so line numbers stay right
        newline = content.find(b"\n")
        content = b"" if newline < 0 else content[newline:]
    if content.startswith(b"\x1b"):  # Lua 5.1 would load this as bytecode
        raise InvalidRockspec(PARSE_FAILED)
    runtime = lua51.LuaRuntime(
        max_memory=MAX_MEMORY,
        register_eval=False,
        register_builtins=False,
        encoding=None,
        attribute_filter=_refuse_attributes,
    )
    try:
        runner = runtime.execute(
            _RUNNER, MAX_STRING, MAX_MATCH_SUBJECT, MAX_MATCH_PATTERN, MAX_MATCH_QUANTIFIERS
        )
        outcome, value = runner(
            content,
            time.monotonic,
            time.monotonic() + TIME_LIMIT,
            INSTRUCTION_LIMIT // HOOK_INTERVAL,
            HOOK_INTERVAL,
        )
        if outcome == b"parse":
            raise InvalidRockspec(PARSE_FAILED)
        if outcome != b"ok":
            raise InvalidRockspec(EVAL_FAILED)
        return _Copier().copy(value, 0)
    except lua51.LuaError as error:  # out of memory outside the thread, or while copying
        raise InvalidRockspec(EVAL_FAILED) from error


class _Copier:
    """Copies a Lua value into Python data, within MAX_DEPTH, MAX_NODES and MAX_BYTES."""

    def __init__(self) -> None:
        self.nodes = 0
        self.bytes = 0

    def _count_bytes(self, value: bytes) -> None:
        self.bytes += len(value)
        if self.bytes > MAX_BYTES:
            raise InvalidRockspec(TOO_COMPLEX)

    def copy(self, value, depth: int):
        if isinstance(value, bytes):
            self._count_bytes(value)
            return value
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value if math.isfinite(value) else None
        if lua51.lua_type(value) != "table":
            return None  # functions, threads: not data
        if depth >= MAX_DEPTH:  # also ends reference cycles
            raise InvalidRockspec(TOO_COMPLEX)
        items = {}
        for key, item in value.items():
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise InvalidRockspec(TOO_COMPLEX)
            if isinstance(key, bytes):
                self._count_bytes(key)
            elif not _is_number(key) or not math.isfinite(key):
                continue  # booleans, tables and NaN as keys carry nothing a rockspec needs
            copied = self.copy(item, depth + 1)
            if copied is not None:
                items[key] = copied
        if items and sorted(items, key=_sort_key) == list(range(1, len(items) + 1)):
            return [items[i] for i in range(1, len(items) + 1)]  # a Lua sequence
        return {k: v for k, v in items.items() if isinstance(k, bytes)}


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sort_key(key) -> tuple:
    return (0, key, b"") if isinstance(key, int | float) else (1, 0, key)


@dataclass(frozen=True)
class Dependency:
    name: str
    constraint: str


@dataclass(frozen=True)
class Rockspec:
    """What the registry keeps from a rockspec. `package` and `version` keep the author's case."""

    package: str
    version: str
    summary: str = ""
    detailed: str = ""
    license: str = ""
    homepage: str = ""
    labels: tuple[str, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    lua_constraint: str = ""
    source_url: str = ""

    @property
    def name(self) -> str:
        """The package's technical name: names are case-insensitive (docs/protocols/luarocks.md 2.2)."""
        return self.package.lower()

    @property
    def is_development(self) -> bool:
        return Release.is_development_version(self.version)

    @property
    def filename(self) -> str:
        """The public rockspec file name, the one the client checks after a download (docs/protocols/luarocks.md trap 10)."""
        return rockspec_filename(name=self.name, version=self.version)


def parse_rockspec(content: bytes) -> Rockspec:
    """Evaluate and validate an uploaded rockspec; raises InvalidRockspec with the message to show."""
    spec = evaluate_rockspec(content)
    package = _checked_name(spec.get(b"package"), "package", "package name")
    version = _checked_name(spec.get(b"version"), "version", "version name")
    if not VERSION_WITH_REVISION.fullmatch(version):
        # luarocks.org took `0.4.0` once and broke installs (luarocks/luarocks#1017)
        raise InvalidRockspec(NO_REVISION)
    if not is_luarocks_version(version):
        # `victim-1.0-1` of `e2e` would share the file name of `e2e-victim` 1.0-1 (rock_names)
        raise InvalidRockspec(INVALID_VERSION)
    description = spec.get(b"description")
    description = description if isinstance(description, dict) else {}
    labels = description.get(b"labels", spec.get(b"labels"))
    dependencies = _dependencies(spec.get(b"dependencies"))
    lua = next((d for d in dependencies if LUA_DEPENDENCY.match(d)), "")
    source = spec.get(b"source")
    source = source if isinstance(source, dict) else {}
    return Rockspec(
        package=package,
        version=version,
        summary=_text(description.get(b"summary"), 500),
        detailed=_text(description.get(b"detailed"), 100_000),
        license=_text(description.get(b"license"), 255),
        homepage=_text(description.get(b"homepage"), 255),
        labels=_labels(labels),
        dependencies=_unique_dependencies(dependencies),
        lua_constraint=lua[:255],
        source_url=_text(source.get(b"url"), 1000),
    )


def _checked_name(value, field: str, label: str) -> str:
    # The order and the messages are luarocks.org's (docs/protocols/luarocks.md 2.1).
    if value is None or value is False:
        raise InvalidRockspec(f"Invalid rockspec (missing {field})")
    if value == b"":
        raise InvalidRockspec(f"Invalid rockspec (blank {field})")
    if isinstance(value, bytes) and not value.isascii():
        raise InvalidRockspec(f"Invalid rockspec (invalid {label}, ascii only)")
    if not isinstance(value, bytes) or not MANIFEST_STRING.fullmatch(value):
        raise InvalidRockspec(
            f"Invalid rockspec ({label} contains invalid characters, only alphanumeric, "
            "period, underscore, and hyphen allowed)"
        )
    if b".." in value:  # luarocks.org refuses these when naming the file
        raise InvalidRockspec(f"{label} has invalid characters")
    return value.decode("ascii")


def _text(value, limit: int) -> str:
    """A string field as text for the database: UTF-8 (invalid bytes replaced), no NUL, bounded."""
    if not isinstance(value, bytes):
        return ""
    return value.decode("utf-8", "replace").replace("\x00", "").strip()[:limit]


def _labels(value) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    labels: list[str] = []
    for item in value:
        label = _text(item, 100)
        if label and label not in labels:
            labels.append(label)
        if len(labels) == MAX_LABELS:
            break
    return tuple(labels)


def _dependencies(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [text for item in value[:MAX_DEPENDENCIES] if (text := _text(item, 1000))]


def _unique_dependencies(strings: list[str]) -> tuple[Dependency, ...]:
    """One row per leading name, the first occurrence wins (as luarocks.org stores them)."""
    seen: dict[str, Dependency] = {}
    for text in strings:
        match = DEPENDENCY.fullmatch(text)
        if not match:
            continue
        name, constraint = match.group(1)[:255], match.group(2)[:500]
        if name.lower() not in seen:
            seen[name.lower()] = Dependency(name=name, constraint=constraint)
    return tuple(seen.values())
