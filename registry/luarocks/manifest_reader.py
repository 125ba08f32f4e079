"""Reading a rocks server's `manifest`: Lua 5.1 literals, never run (the reverse of lua.py).

The luarocks client loads a manifest by running it as a Lua chunk in an empty environment
(`persist.load_into_table`); every server writes it as plain assignments of table constructors
(`commands = {}`, `modules = {...}`, `repository = {...}`: lua.py here, `persist.save_from_table`
in luarocks-admin, luarocks.org's Lapis views). This module reads exactly that data subset: `name
= <value>` statements, table constructors (`[key] = v`, `name = v`, positional values, `,` or `;`
separators), strings (quoted with every Lua 5.1 escape, or long brackets), numbers, `true`,
`false`, `nil`, and comments. Anything else (a function call, an operator, a variable) is not data
and is refused with its position, so a hostile manifest is a refusal, never code.

Tables with only positional values come back as lists, others as dicts (positional values under
their integer index). Nesting is bounded (MAX_DEPTH).
"""

import re
from typing import Any

MAX_DEPTH = 64

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<long_comment>--\[(?P<lc_eq>=*)\[)
  | (?P<comment>--[^\n]*)
  | (?P<short_string>"[^"\\\n]*"|'[^'\\\n]*')
  | (?P<string>["'])
  | (?P<long_string>\[(?P<ls_eq>=*)\[)
  | (?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[{}\[\]=,;-])
    """,
    re.VERBOSE,
)
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "\n": "\n",
}
_END = object()


class ManifestSyntaxError(ValueError):
    pass


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def fail(self, message: str) -> ManifestSyntaxError:
        line = self.text.count("\n", 0, self.pos) + 1
        return ManifestSyntaxError(f"manifest line {line}: {message}")

    # tokens: (kind, value); strings come back decoded
    def next(self) -> tuple[str, Any]:
        while True:
            if self.pos >= len(self.text):
                return "end", _END
            match = _TOKEN.match(self.text, self.pos)
            if match is None:
                raise self.fail(f"unexpected {self.text[self.pos]!r}")
            kind = match.lastgroup
            start, self.pos = self.pos, match.end()
            if kind == "space" or kind == "comment":
                continue
            if kind == "lc_eq" or kind == "long_comment":
                self._long_bracket(match.group("lc_eq"))
                continue
            if kind == "short_string":
                return "string", match.group()[1:-1]
            if kind == "string":
                return "string", self._quoted(match.group(), start)
            if kind in ("long_string", "ls_eq"):
                body = self._long_bracket(match.group("ls_eq"))
                return "string", body[1:] if body.startswith("\n") else body
            if kind == "number":
                text = match.group()
                if text.lower().startswith("0x"):
                    return "number", int(text, 16)
                value = float(text)
                return "number", int(value) if value.is_integer() and "." not in text else value
            return kind or "punct", match.group()

    def _long_bracket(self, level: str) -> str:
        close = f"]{level}]"
        end = self.text.find(close, self.pos)
        if end < 0:
            raise self.fail("unfinished long string or comment")
        body, self.pos = self.text[self.pos : end], end + len(close)
        return body

    def _quoted(self, quote: str, start: int) -> str:
        out: list[str] = []
        pos, text = self.pos, self.text
        while True:
            if pos >= len(text) or text[pos] == "\n":
                self.pos = start
                raise self.fail("unfinished string")
            char = text[pos]
            if char == quote:
                self.pos = pos + 1
                return "".join(out)
            if char != "\\":
                out.append(char)
                pos += 1
                continue
            escape = text[pos + 1 : pos + 2]
            if escape in _ESCAPES:
                out.append(_ESCAPES[escape])
                pos += 2
            elif escape.isdigit():
                digits = re.match(r"\d{1,3}", text[pos + 1 :])
                assert digits is not None
                code = int(digits.group())
                if code > 255:
                    self.pos = pos
                    raise self.fail("escape sequence too large")
                out.append(chr(code))
                pos += 1 + len(digits.group())
            else:
                self.pos = pos
                raise self.fail("invalid escape sequence")

    def value(self, token: tuple[str, Any]) -> Any:
        kind, value = token
        if kind in ("string", "number"):
            return value
        if kind == "name" and value in ("true", "false", "nil"):
            return {"true": True, "false": False, "nil": None}[value]
        if kind == "punct" and value == "-":
            kind, number = self.next()
            if kind != "number":
                raise self.fail("a number must follow '-'")
            return -number
        if kind == "punct" and value == "{":
            return self.table()
        raise self.fail(f"not a literal: {value if value is not _END else 'end of file'}")

    def expect(self, wanted: str) -> None:
        kind, value = self.next()
        if value != wanted or kind != "punct":
            raise self.fail(f"expected {wanted!r}")

    def table(self) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("tables nested too deeply")
        keyed: dict[Any, Any] = {}
        positional: list[Any] = []
        token = self.next()
        while token != ("punct", "}"):
            kind, value = token
            if kind == "punct" and value == "[":
                key = self.value(self.next())
                self.expect("]")
                self.expect("=")
                keyed[key] = self.value(self.next())
            elif kind == "name" and value not in ("true", "false", "nil"):
                self.expect("=")
                keyed[value] = self.value(self.next())
            else:
                positional.append(self.value(token))
            token = self.next()
            if token[0] == "punct" and token[1] in (",", ";"):
                token = self.next()
            elif token != ("punct", "}"):
                raise self.fail("expected ',' or '}'")
        self.depth -= 1
        if not keyed:
            return positional
        for index, item in enumerate(positional, start=1):
            keyed[index] = item
        return keyed


def read_manifest(content: bytes) -> dict[str, Any]:
    """The global assignments of a manifest chunk, e.g. `{"repository": {...}, ...}`.

    Strings are decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD); raises
    ManifestSyntaxError for anything that is not plain data.
    """
    text = content.decode("latin-1")  # one character per byte: escapes like \\195 stay bytes
    reader = _Reader(text)
    result: dict[str, Any] = {}
    token = reader.next()
    while token[0] != "end":
        kind, name = token
        if kind != "name":
            raise reader.fail("expected a name")
        reader.expect("=")
        result[name] = reader.value(reader.next())
        token = reader.next()
        if token == ("punct", ";"):
            token = reader.next()
    return _decoded(result)


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("latin-1").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    if isinstance(value, dict):
        return {_decoded(key): _decoded(item) for key, item in value.items()}
    return value
