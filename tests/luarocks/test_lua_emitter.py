"""The Lua literal emitter: every string survives a round trip through the real lua5.1."""

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.luarocks.lua import lua_assignments, lua_manifest, lua_string, lua_value

needs_lua = pytest.mark.skipif(shutil.which("lua5.1") is None, reason="lua5.1 missing")


def lua_bytes(expression: str) -> bytes:
    """What lua5.1 gets when it evaluates `expression` (a string) and writes it out raw."""
    script = f"io.write({expression})"
    return subprocess.run(["lua5.1", "-e", script], capture_output=True, check=True).stdout


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("end", '"end"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("nl\nx", '"nl\\010x"'),
        ("\x001", '"\\0001"'),  # three digits: the 1 after the escape stays a 1
        ("é", '"\\195\\169"'),
        ("\x7f", '"\\127"'),
    ],
)
def test_strings_use_only_lua51_escapes(value, literal):
    assert lua_string(value) == literal
    assert lua_string(value).isascii()
    assert "\\x" not in lua_string(value) and "\\u" not in lua_string(value)


@needs_lua
@settings(max_examples=25, deadline=None)
@given(st.text(max_size=40))
def test_any_string_round_trips_through_lua51(value):
    assert lua_bytes(lua_string(value)) == value.encode("utf-8")


def test_tables_always_use_bracketed_keys():
    assert lua_value({"end": [1, True, None], "a b": {}}) == (
        '{\n   ["end"] = {1, true, nil},\n   ["a b"] = {},\n}'
    )
    with pytest.raises(TypeError):
        lua_value({1: "x"})
    with pytest.raises(TypeError):
        lua_value(object())


@needs_lua
def test_manifest_with_keyword_names_loads_and_reads_back(tmp_path):
    text = lua_manifest({"end": {"1.0-1": ["rockspec", "src"]}, 'q"uote': {"scm-1": ["rockspec"]}})
    script = tmp_path / "m.lua"
    script.write_text(
        text
        + 'io.write(repository["end"]["1.0-1"][2].arch, repository[\'q"uote\']["scm-1"][1].arch)'
    )
    out = subprocess.run(["lua5.1", str(script)], capture_output=True, check=True).stdout
    assert out == b"srcrockspec"


@needs_lua
def test_assignments_chunk_runs(tmp_path):
    chunk = lua_assignments({"config": {"name": "x\ty", "list": ["a", "b"]}})
    script = tmp_path / "c.lua"
    script.write_text(chunk + "io.write(config.name, config.list[2])")
    assert subprocess.run(["lua5.1", str(script)], capture_output=True, check=True).stdout == (
        b"x\tyb"
    )
