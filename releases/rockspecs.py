"""Evaluate an uploaded rockspec in a Lua sandbox and read what a registry needs from it.

A rockspec is a Lua program written by a stranger. luarocks.org runs it with `loadstring` into an
empty environment under a 2000-line debug hook (docs/protocols/luarocks.md 2.1). We do the same with lupa's
bundled Lua 5.1 (the dialect rockspecs are written in), in a LuaRuntime made for this one rockspec,
running releases/rockspec_sandbox.lua:

- only source text is loaded: a leading `#!` line is stripped and precompiled bytecode (which Lua 5.1
  loads without any check and which can break out of any sandbox) is refused;
- the chunk's environment is an empty table: no print/require/os/io/load/setfenv/getmetatable;
- every string shares one metatable whose `__index` is the `string` library, so even with an empty
  environment `("x"):rep(1e9)` would reach it. In this runtime it points to the sandbox's string
  library, which gives what Lua 5.1's gives (real rockspecs compute fields with it:
  `version:gsub("^(.*)-.-$", "%1")`) at a counted cost: the linear functions are Lua's own C
  functions on strings of at most MAX_STRING bytes, and the pattern functions are a matcher
  written in Lua after Lua 5.1's, which counts its steps. Together they may spend MAX_STRING_STEPS
  steps per rockspec ("pattern too costly", "string functions too costly"), and patterns nest at
  most MAX_MATCH_DEPTH items deep ("pattern too complex"). It has every name Lua 5.1's has, so a
  rockspec cannot tell this sandbox from the client by a missing one; `dump` raises when called;
- limits: INSTRUCTION_LIMIT Lua VM instructions, the matcher's own included (a count hook every
  HOOK_INTERVAL instructions), MAX_MEMORY bytes for the whole runtime (lupa's allocator refuses
  more), TIME_LIMIT seconds of wall clock (checked by the same hook; no C function reachable from
  the rockspec runs long on the inputs it accepts, so the hook always gets its turn soon);
- the result is copied into plain Python data (bytes, numbers, booleans, dicts, lists) bounded in
  depth, node count and string bytes, and the runtime is dropped. No Lua object leaves this module.

A syntax error is "Failed to parse rockspec: <Lua's message>", a runtime error or any limit "Failed
to eval rockspec: <the reason>"; the reason names the rockspec's line as Lua does
(`[string "rockspec"]:3: '=' expected near 'x'`, `[string "rockspec"]:5: pattern too costly`).
"""

import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

from lupa import lua51

from packages.models import MAX_LABELS
from releases.errors import InvalidRockspec
from releases.models import Release
from releases.rock_names import is_luarocks_version, rockspec_filename

# real rockspecs are a few KiB; luarocks.org's 2000 executed lines are ~200 KiB
MAX_ROCKSPEC_SIZE = 512 * 1024
MAX_MEMORY = 16 * 1024 * 1024
# Lua VM instructions, the pattern matcher's included (a 2000-line declarative rockspec needs
# ~20,000; the matcher needs 40 to 100 per step, so the step budget ends a costly pattern first)
INSTRUCTION_LIMIT = 25_000_000
HOOK_INTERVAL = 1000  # the hook's turn: every 1000 instructions (the clock is read there too)
TIME_LIMIT = 0.5  # seconds of wall clock
# The string library (releases/rockspec_sandbox.lua): strings of at most MAX_STRING bytes in and
# out of each function. Its steps: each pattern item tried at a subject position and each byte a
# pattern scans or compares; for the linear functions, one per call and one per 64 bytes they
# give. At most MAX_STRING_STEPS in one rockspec; pattern items nest at most MAX_MATCH_DEPTH deep.
MAX_STRING = 64 * 1024
MAX_STRING_STEPS = 250_000
MAX_MATCH_DEPTH = 200
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

# The Lua side of the sandbox: the string library with its pattern matcher, and the runner.
_SANDBOX = (Path(__file__).parent / "rockspec_sandbox.lua").read_bytes()
# What a refusal may say of the Lua message: at most this many characters, printable ones only.
MAX_REASON = 300
# A position in a chunk other than the rockspec's (the sandbox's own code) is not the author's.
_OTHER_CHUNK = re.compile(r'^\[string "(?!rockspec")[^"]*"\]:\d+: ')


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
        raise InvalidRockspec(f"{PARSE_FAILED}: precompiled Lua (bytecode) is not accepted")
    runtime = lua51.LuaRuntime(
        max_memory=MAX_MEMORY,
        register_eval=False,
        register_builtins=False,
        encoding=None,
        attribute_filter=_refuse_attributes,
    )
    try:
        runner = runtime.execute(
            _SANDBOX, MAX_STRING, MAX_STRING_STEPS, MAX_MATCH_DEPTH, MAX_MEMORY
        )
        outcome, value = runner(
            content,
            time.monotonic,
            time.monotonic() + TIME_LIMIT,
            INSTRUCTION_LIMIT // HOOK_INTERVAL,
            HOOK_INTERVAL,
        )
        if outcome == b"parse":
            raise InvalidRockspec(f"{PARSE_FAILED}: {_reason(value)}")
        if outcome != b"ok":
            raise InvalidRockspec(f"{EVAL_FAILED}: {_reason(value)}")
        return _Copier().copy(value, 0)
    except lua51.LuaError as error:  # out of memory outside the thread, or while copying
        raise InvalidRockspec(f"{EVAL_FAILED}: not enough memory") from error


def _reason(message) -> str:
    """Lua's message as text for the uploader: `[string "rockspec"]:3: '=' expected near 'x'`.
    Printable characters only, bounded; no position but the rockspec's."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    text = _OTHER_CHUNK.sub("", text)
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 3] + "..."


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
