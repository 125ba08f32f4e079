"""Every bound of the rockspec sandbox and of what is kept from a rockspec (releases/rockspecs.py),
at its boundary: the bounded string library's limits one byte either side, the copy of the result
(depth, node count, string bytes) one step either side, and each field's length cap. The hostile
families themselves (endless loops, bombs, escapes, bytecode) are in test_hostile_rockspecs.py;
here each refusal is also shown through the upload API with nothing stored.

The instruction, memory and wall-clock limits have no deterministic boundary a test could hold (on
a loaded machine the wall clock ends a long loop first); bench/upload_checks_bench.py measures them.
"""

import pytest

from releases.errors import InvalidRockspec
from releases.rockspecs import (
    MAX_BYTES,
    MAX_MATCH_PATTERN,
    MAX_MATCH_QUANTIFIERS,
    MAX_MATCH_SUBJECT,
    MAX_STRING,
    evaluate_rockspec,
    parse_rockspec,
)
from tests.luarocks.upload_support import Snapshot, secret, upload

__all__ = ["secret", "upload"]

EVAL = "Failed to eval rockspec"
PARSE = "Failed to parse rockspec"
COMPLEX = "Invalid rockspec (too complex)"
HEAD = 'package = "foo"\nversion = "1.0-1"\n'


def value_of(expression: str):
    """The rockspec global `x` after `x = <expression>`, or the refusal message."""
    try:
        return evaluate_rockspec(f"x = {expression}".encode()).get(b"x")
    except InvalidRockspec as error:
        return error.message


def test_the_limits_the_tests_below_assume():
    assert (MAX_STRING, MAX_MATCH_SUBJECT, MAX_MATCH_PATTERN, MAX_MATCH_QUANTIFIERS) == (
        64 * 1024,
        256,
        64,
        2,
    )
    assert MAX_BYTES == 2 * 1024 * 1024


# --- the bounded string library: linear functions up to 64 KiB ---------------------------------
S = '("x"):rep(65536)'  # exactly MAX_STRING bytes
T = '(("x"):rep(65536) .. "y")'  # one byte more (concatenation itself is bounded by memory only)

STRING_LIMITS = [
    # (expression, expected value, or the refusal)
    ('("x"):rep(65536):len()', 65536),
    ('("x"):rep(65537)', EVAL),
    ('("xy"):rep(32768):len()', 65536),
    ('("xy"):rep(32769)', EVAL),
    ('("x"):rep("3")', EVAL),  # a count must be a number
    ('("x"):rep(0)', b""),
    (f"{S}:upper():len()", 65536),
    (f"{T}:upper()", EVAL),
    (f"{S}:lower():len()", 65536),
    (f"{T}:lower()", EVAL),
    (f"{S}:reverse():len()", 65536),
    (f"{T}:reverse()", EVAL),
    (f"{S}:sub(2, 3)", b"xx"),
    (f"{T}:sub(2, 3)", EVAL),
    (f"{S}:byte(1)", 120),
    (f"{T}:byte(1)", EVAL),
    (f'("%s"):format({S}):len()', 65536),
    (f'("%s"):format({T})', EVAL),
    (f"{T}:len()", 65537),  # len and char cost nothing whatever the length
    ('("").char(104, 105)', b"hi"),
]


@pytest.mark.parametrize(("expression", "expected"), STRING_LIMITS)
def test_string_functions_take_at_most_64_kib(expression, expected):
    assert value_of(expression) == expected


# --- patterns: short subjects, short patterns, at most two quantifiers ---------------------------
PATTERN_LIMITS = [
    ('("a"):rep(256):find("b")', None),  # 256 bytes: searched (no match)
    ('("a"):rep(257):find("b")', EVAL),
    (f'("a"):find(("a"):rep({64}))', None),  # a 64-byte pattern
    (f'("a"):find(("a"):rep({65}))', EVAL),
    ('("aab"):find("a-a*b")', 1),  # two quantifiers
    ('("aab"):find("a-a*b?")', EVAL),  # three
    ('("a+b"):find("a%+b")', 1),  # an escaped quantifier is a plain character
    ('("a-+*?"):find("%-%+%*%?")', 2),
    ('("a1"):find(1)', EVAL),  # a pattern must be a string
    ('("v1.2-3"):match("^v([^-]+)")', b"1.2"),
    ('("a,b"):gsub(",", ";")', b"a;b"),
    ('("a"):rep(257):gsub("a", "b")', EVAL),
    ('("a"):rep(257):match("a")', EVAL),
    ('("a"):rep(257):gmatch("a")', EVAL),
]


@pytest.mark.parametrize(("expression", "expected"), PATTERN_LIMITS)
def test_patterns_are_bounded(expression, expected):
    assert value_of(expression) == expected


def test_gmatch_works_within_the_bounds():
    spec = evaluate_rockspec(b'x = "" for w in ("a b c"):gmatch("%a") do x = x .. w end')
    assert spec == {b"x": b"abc"}


# --- copying the result out: depth, node count and string bytes ---------------------------------
def nested(levels: int) -> str:
    return "{" * levels + "}" * levels


def test_the_copy_is_bounded_in_depth():
    assert value_of(nested(31)) != COMPLEX
    assert value_of(nested(32)) == COMPLEX


def test_the_copy_is_bounded_in_nodes():
    """The global `t` is one node and each of its entries one more: 50,000 in all."""
    table = "(function() local t = {{}} for i = 1, {n} do t[i] = i end return t end)()"
    assert value_of(table.format(n=49_999)) == list(range(1, 50_000))
    assert value_of(table.format(n=50_000)) == COMPLEX


def test_nested_tables_up_to_the_depth_limit_copy_whole():
    """`x` is at depth 1 below the rockspec's globals: 31 nested tables fit, 32 do not."""
    value = value_of("{x = " * 30 + "1" + "}" * 30)
    for _ in range(30):
        value = value[b"x"]
    assert value == 1
    assert value_of("{x = " * 31 + "1" + "}" * 31) != COMPLEX
    assert value_of("{x = " * 32 + "1" + "}" * 32) == COMPLEX


BYTES = (
    'local a = ("x"):rep(65536) local b = a .. a local c = b .. b local d = c .. c '
    'local e = d .. d x = e .. d .. c .. b .. a .. ("x"):rep({tail})'
)


def test_the_copy_holds_at_most_2_mib_of_strings_keys_included():
    """`x` (1 byte) and a value of 2 MiB - 1 bytes: exactly 2 MiB; one byte more is refused."""
    assert len(evaluate_rockspec(BYTES.format(tail=65535).encode())[b"x"]) == 2 * 1024 * 1024 - 1
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(BYTES.format(tail=65536).encode())
    assert caught.value.message == COMPLEX


def test_key_bytes_count_too():
    program = BYTES.format(tail=65535).replace("x = e", "xy = e")
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(program.encode())
    assert caught.value.message == COMPLEX


def test_only_data_leaves_the_sandbox():
    spec = evaluate_rockspec(
        b"x = {[true] = 1, [1/0] = 3, [{}] = 4, a = 0/0, b = -1/0, c = function() end, "
        b'[2] = "two", d = true, e = 1.5, f = false, g = coroutine}'
        b" y = {1, 2, 3} z = {[1] = 1, [3] = 3} w = {[1] = 1, [2] = 2, n = 3} v = {}"
        b" u = {[1.5] = 1} s = {[2] = 2, [1] = 1}"
    )
    assert spec == {
        b"x": {b"d": True, b"e": 1.5, b"f": False},
        b"y": [1, 2, 3],
        b"z": {},
        b"w": {b"n": 3},
        b"v": {},
        b"u": {},
        b"s": [1, 2],
    }


def test_a_nan_key_is_a_runtime_error():
    assert value_of("{[0/0] = 1}") == EVAL


def test_a_shebang_line_is_dropped_and_its_newline_kept():
    assert evaluate_rockspec(b"#!/usr/bin/env lua\nx = 1") == {b"x": 1}
    assert evaluate_rockspec(b"#!/usr/bin/env lua") == {}
    assert evaluate_rockspec(b"# comment\nx = 2\n") == {b"x": 2}
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(b"x = 1\n#!/usr/bin/env lua\n")
    assert caught.value.message == PARSE


def test_syntax_and_runtime_errors_have_their_own_messages():
    for program, message in [(b"x = = 1", PARSE), (b"x = nil .. 1", EVAL), (b"x = ", PARSE)]:
        with pytest.raises(InvalidRockspec) as caught:
            evaluate_rockspec(program)
        assert caught.value.message == message


# --- what is kept: every field's cap, one character either side --------------------------------
def spec_with(extra: str, *, dependencies: str = "{}") -> str:
    return HEAD + f"dependencies = {dependencies}\n" + extra


def parsed(text: str):
    return parse_rockspec(text.encode())


@pytest.mark.parametrize(
    ("field", "limit"),
    [("summary", 500), ("license", 255), ("homepage", 255)],
)
def test_description_fields_are_capped(field, limit):
    kept = parsed(spec_with(f'description = {{ {field} = ("s"):rep({limit + 1}) }}'))
    assert getattr(kept, field) == "s" * limit
    kept = parsed(spec_with(f'description = {{ {field} = ("s"):rep({limit}) }}'))
    assert getattr(kept, field) == "s" * limit


def test_detailed_description_is_capped_at_100000_characters():
    kept = parsed(spec_with('description = { detailed = ("d"):rep(50000) .. ("d"):rep(50001) }'))
    assert kept.detailed == "d" * 100_000


def test_source_url_is_capped_at_1000_characters():
    kept = parsed(spec_with('source = { url = "https://e.org/" .. ("u"):rep(990) }'))
    assert kept.source_url == "https://e.org/" + "u" * 986


def test_text_is_utf8_without_nul_and_trimmed():
    kept = parsed(spec_with('description = { summary = "  caf\\195\\169 \\0bar\\255  " }'))
    assert kept.summary == "café bar\ufffd"


def test_labels_are_unique_non_empty_and_at_most_ten():
    labels = ", ".join(f'"l{n}"' for n in range(12))
    kept = parsed(spec_with(f'description = {{ labels = {{ "", "l0", "l0", {labels} }} }}'))
    assert kept.labels == tuple(f"l{n}" for n in range(10))
    assert parsed(spec_with('labels = { "top" }')).labels == ("top",)
    assert parsed(spec_with('description = { labels = "json" }')).labels == ()
    long = parsed(spec_with('description = { labels = { ("a"):rep(101) } }'))
    assert long.labels == ("a" * 100,)


def test_at_most_500_dependencies_are_read():
    many = "{" + ", ".join(f'"dep{n}"' for n in range(501)) + "}"
    kept = parsed(spec_with("", dependencies=many))
    assert [d.name for d in kept.dependencies] == [f"dep{n}" for n in range(500)]


def test_dependencies_keep_the_first_of_each_name_and_skip_nameless_ones():
    kept = parsed(
        spec_with(
            "",
            dependencies='{ "lua >= 5.1", ">= 5.1", "", "LuaSocket ~> 3", "luasocket 2", 7 }',
        )
    )
    assert [(d.name, d.constraint) for d in kept.dependencies] == [
        ("lua", ">= 5.1"),
        ("LuaSocket", "~> 3"),
    ]
    assert kept.lua_constraint == "lua >= 5.1"


def test_the_lua_constraint_is_the_first_lua_dependency():
    kept = parsed(spec_with("", dependencies='{ "luasocket", "lua", "lua ~> 5.1", "lua 5.3" }'))
    assert kept.lua_constraint == "lua ~> 5.1"
    assert parsed(spec_with("", dependencies='{ "lua>=5.1" }')).lua_constraint == ""
    assert parsed(spec_with("", dependencies='"lua >= 5.1"')).dependencies == ()


def test_dependency_names_and_constraints_are_capped():
    kept = parsed(
        spec_with("", dependencies='{ ("n"):rep(300) .. " >= " .. ("1."):rep(300) .. "1" }')
    )
    (dependency,) = kept.dependencies
    assert dependency.name == "n" * 255
    assert len(dependency.constraint) == 500
    long_lua = parsed(spec_with("", dependencies='{ "lua >= " .. ("5."):rep(200) .. "1" }'))
    assert len(long_lua.lua_constraint) == 255


def test_names_of_255_characters_are_the_longest():
    assert parsed(f'package = "{"p" * 255}"\nversion = "1.0-1"').package == "p" * 255
    with pytest.raises(InvalidRockspec):
        parsed(f'package = "{"p" * 256}"\nversion = "1.0-1"')


def test_description_and_source_that_are_not_tables_are_ignored():
    kept = parsed(spec_with('description = "text" source = "url"'))
    assert (kept.summary, kept.source_url, kept.labels) == ("", "", ())


# --- the same refusals through the upload API: nothing is stored -------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('x = ("x"):rep(65537)', EVAL),
        (f"x = {T}:upper()", EVAL),
        ('x = ("a"):rep(257):find("b")', EVAL),
        ('x = ("a"):find(("a"):rep(65))', EVAL),
        ('x = ("aab"):find("a-a*b?")', EVAL),
        (f"x = {nested(32)}", COMPLEX),
        (BYTES.format(tail=65536), COMPLEX),
        ("x = {[0/0] = 1}", EVAL),
    ],
)
def test_sandbox_refusals_through_the_upload_api(upload, secret, body, message):
    before = Snapshot()
    response = upload(secret, (HEAD + body).encode())
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}
    before.assert_unchanged()


@pytest.mark.django_db
def test_a_rockspec_using_the_string_library_within_its_bounds_is_stored(upload, secret):
    body = (
        HEAD + 'source = { url = "https://e.org/foo-" .. version:match("^([^-]+)") .. ".tar.gz" }\n'
        'description = { summary = ("%s, %d"):format(("ab"):rep(3):upper(), #("x"):rep(65536)) }\n'
    )
    response = upload(secret, body.encode())
    assert response.status_code == 200, response.content
    from packages.models import Package
    from releases.models import Release

    assert Package.objects.get().short_description == "ABABAB, 65536"
    assert Release.objects.get().source_url == "https://e.org/foo-1.0.tar.gz"


def test_a_rockspec_of_exactly_512_kib_is_evaluated():
    head = HEAD.encode() + b"-- "
    exactly = head + b"x" * (512 * 1024 - len(head))
    assert len(exactly) == 512 * 1024
    assert evaluate_rockspec(exactly) == {b"package": b"foo", b"version": b"1.0-1"}
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(exactly + b"x")
    assert caught.value.message == "Invalid rockspec (larger than 524288 bytes)"


def test_the_memory_limit_stops_a_big_string_built_in_a_few_instructions():
    """Nine doublings of 64 KiB are 32 MiB in about fifty instructions: only the 16 MiB memory
    limit can stop them (the instruction and time limits are far away). Six (4 MiB) fit."""
    doubling = HEAD + 'local s = ("x"):rep(65536) for i = 1, {n} do s = s .. s end'
    assert evaluate_rockspec(doubling.format(n=6).encode())[b"package"] == b"foo"
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(doubling.format(n=9).encode())
    assert caught.value.message == EVAL


def test_dependency_strings_are_read_up_to_1000_characters():
    def constraint_of(names: int) -> str:
        text = spec_with("", dependencies=f'{{ ("n"):rep({names}) .. " >= 1" }}')
        return parsed(text).dependencies[0].constraint

    assert constraint_of(998) == ">"  # " >" are the 999th and 1000th characters
    assert constraint_of(999) == ""
