"""A small emitter of Lua 5.1 literals for the manifests that luarocks clients execute.

Python's `repr` and `json.dumps` are not Lua string literals (docs/protocols/luarocks.md trap 9). Here every
string becomes a double-quoted literal whose only escapes are `\\\\`, `\\"` and `\\ddd` (three decimal
digits, so a digit after the escape cannot be read as part of it), and every table key is written as
`["..."]`, so names like `end`, `nil` or `goto` are safe. The output is plain ASCII and parses on Lua
5.1 through 5.5 and LuaJIT: no `\\x`, no `\\u{}`, no long brackets.
"""

from collections.abc import Mapping, Sequence

_INDENT = "   "

# byte -> its spelling inside a "..." literal
_ESCAPES = {b: f"\\{b:03d}" for b in range(256) if b < 0x20 or b >= 0x7F}
_ESCAPES[ord("\\")] = "\\\\"
_ESCAPES[ord('"')] = '\\"'
_TABLE = [_ESCAPES.get(b, chr(b)) for b in range(256)]


def lua_string(value: str) -> str:
    """A double-quoted Lua literal holding the UTF-8 bytes of `value`."""
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # the common case (names, versions, arches) without a byte loop
    return '"' + "".join(_TABLE[b] for b in value.encode("utf-8")) + '"'


def lua_value(value, level: int = 0) -> str:
    """A Lua expression for a str, int, bool, None, mapping (string keys) or sequence."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return lua_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = _INDENT * (level + 1)
        items = [
            f"{inner}[{lua_string(_key(k))}] = {lua_value(v, level + 1)},\n"
            for k, v in value.items()
        ]
        return "{\n" + "".join(items) + _INDENT * level + "}"
    if isinstance(value, Sequence):
        return "{" + ", ".join(lua_value(v, level + 1) for v in value) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as a Lua literal")


def _key(key) -> str:
    if not isinstance(key, str):
        raise TypeError("table keys must be strings")
    return key


def lua_assignments(globals_: Mapping[str, object]) -> str:
    """A chunk of `name = <literal>` lines; names must be plain identifiers (we choose them)."""
    return "".join(f"{name} = {lua_value(value)}\n" for name, value in globals_.items())


def lua_manifest(repository: Mapping[str, Mapping[str, Sequence[str]]]) -> str:
    """The server manifest: `commands`, `modules` and `repository`, nothing else (docs/protocols/luarocks.md trap 8).

    `repository` maps name -> version -> list of arches. Written by hand rather than through
    `lua_value` because a root manifest has tens of thousands of entries.
    """
    out = ["commands = {}\nmodules = {}\nrepository = {\n"]
    append = out.append
    for name, versions in repository.items():
        append(f"   [{lua_string(name)}] = {{\n")
        for version, arches in versions.items():
            items = ", ".join(f"{{arch = {lua_string(arch)}}}" for arch in arches)
            append(f"      [{lua_string(version)}] = {{{items}}},\n")
        append("   },\n")
    append("}\n")
    return "".join(out)
