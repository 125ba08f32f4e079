"""Every bound of the rockspec sandbox and of what is kept from a rockspec (releases/rockspecs.py),
at its boundary: the string library's limits one byte either side, the pattern matcher's step and
depth budgets one step either side, the copy of the result (depth, node count, string bytes) one
step either side, and each field's length cap. The hostile families themselves (endless loops,
bombs, escapes, bytecode) are in test_hostile_rockspecs.py; that the string functions give what
Lua 5.1 gives is in test_rockspec_strings.py; here each refusal is also shown through the upload
API with nothing stored.

The instruction, memory and wall-clock limits have no deterministic boundary a test could hold (on
a loaded machine the wall clock ends a long loop first); bench/upload_checks_bench.py measures them.
The step budget does: the tests that reach it lift the wall-clock limit so that only it can end
the evaluation.
"""

import pytest

from releases import rockspecs
from releases.errors import InvalidRockspec
from releases.rockspecs import (
    MAX_BYTES,
    MAX_MATCH_DEPTH,
    MAX_STRING,
    MAX_STRING_STEPS,
    evaluate_rockspec,
    parse_rockspec,
)
from tests.luarocks.upload_support import Snapshot, secret, upload

__all__ = ["secret", "upload"]

EVAL = "Failed to eval rockspec"
PARSE = "Failed to parse rockspec"
COMPLEX = "Invalid rockspec (too complex)"
HEAD = 'package = "foo"\nversion = "1.0-1"\n'


def at_line(line: int, reason: str, failed: str = EVAL) -> str:
    return f'{failed}: [string "rockspec"]:{line}: {reason}'


TOO_LONG = at_line(1, "string too long")
TOO_COSTLY = at_line(1, "pattern too costly")


def value_of(expression: str):
    """The rockspec global `x` after `x = <expression>`, or the refusal message."""
    try:
        return evaluate_rockspec(f"x = {expression}".encode()).get(b"x")
    except InvalidRockspec as error:
        return error.message


@pytest.fixture
def no_wall_clock(monkeypatch):
    """Only the counted limits end the evaluation, however loaded the machine is."""
    monkeypatch.setattr(rockspecs, "TIME_LIMIT", 3600.0)


def test_the_limits_the_tests_below_assume():
    assert (MAX_STRING, MAX_STRING_STEPS, MAX_MATCH_DEPTH) == (64 * 1024, 250_000, 200)
    assert MAX_BYTES == 2 * 1024 * 1024


# --- the string library: linear functions up to 64 KiB -----------------------------------------
S = '("x"):rep(65536)'  # exactly MAX_STRING bytes
T = '(("x"):rep(65536) .. "y")'  # one byte more (concatenation itself is bounded by memory only)

STRING_LIMITS = [
    # (expression, expected value, or the refusal)
    ('("x"):rep(65536):len()', 65536),
    ('("x"):rep(65537)', TOO_LONG),
    ('("xy"):rep(32768):len()', 65536),
    ('("xy"):rep(32769)', TOO_LONG),
    ('("x"):rep("3")', b"xxx"),  # a count may be a numeric string, as in Lua
    ('("x"):rep("65537")', TOO_LONG),
    ('("x"):rep({})', at_line(1, "bad argument #2 to 'rep' (number expected, got table)")),
    ('("x"):rep(0)', b""),
    (f"{S}:upper():len()", 65536),
    (f"{T}:upper()", TOO_LONG),
    (f"{S}:lower():len()", 65536),
    (f"{T}:lower()", TOO_LONG),
    (f"{S}:reverse():len()", 65536),
    (f"{T}:reverse()", TOO_LONG),
    (f"{S}:sub(2, 3)", b"xx"),
    (f"{T}:sub(2, 3)", TOO_LONG),
    (f"{S}:byte(1)", 120),
    (f"{T}:byte(1)", TOO_LONG),
    (f'("%s"):format({S}):len()', 65536),
    (f'("%s"):format({T})', TOO_LONG),
    (f"{T}:len()", 65537),  # len and char cost nothing whatever the length
    ('("").char(104, 105)', b"hi"),
    # the pattern functions take subjects, patterns and replacements of up to 64 KiB too
    (f'{S}:find("y")', None),
    (f'{T}:find("y")', TOO_LONG),
    (f'("x"):find({T})', TOO_LONG),
    (f'{S}:match("^x*$"):len()', 65536),
    (f'{T}:match("y")', TOO_LONG),
    (f'("x"):gsub("x", {T})', TOO_LONG),
    (f'{T}:gmatch("y")', TOO_LONG),
]


@pytest.mark.parametrize(("expression", "expected"), STRING_LIMITS)
def test_string_functions_take_at_most_64_kib(expression, expected):
    assert value_of(expression) == expected


# --- patterns: a budget of steps, and of nested pattern items -----------------------------------
def searches(subject: int, times: int) -> str:
    """`times` unanchored searches of a pattern found nowhere in a subject of `subject` bytes:
    one step per starting position, subject + 1 positions each. The subject is a literal, which
    costs no step (`rep` would)."""
    return f'local s = "{"a" * subject}" for i = 1, {times} do x = s:match("b") end x = "done"'


def test_pattern_matching_stops_at_the_step_budget(no_wall_clock):
    """5 x 50,000 = 250,000 steps are the budget exactly; 5 x 50,001 are one search too costly."""
    assert evaluate_rockspec(searches(49_999, 5).encode()) == {b"x": b"done"}
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(searches(50_000, 5).encode())
    assert caught.value.message == TOO_COSTLY


def test_the_budget_is_for_the_whole_rockspec(no_wall_clock):
    """Five searches on lines 2-6 spend the budget exactly: the one on line 7 is refused."""
    program = f'local s = "{"a" * 49_999}"\n' + 's:match("b")\n' * 6
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(program.encode())
    assert caught.value.message == at_line(7, "pattern too costly")


def test_the_linear_functions_spend_from_the_same_budget(no_wall_clock):
    """A step per call and per 64 bytes given: 250,000 upper() of one byte fit, one more not;
    a 64 KiB upper() costs 1 + 1024 steps, so a loop of them ends after 243."""
    loop = 'for i = 1, {n} do local t = ("x"):upper() end x = "done"'
    assert value_of(f"(function() {loop.format(n=250_000)} return 1 end)()") == 1
    assert value_of(f"(function() {loop.format(n=250_001)} end)()") == at_line(
        1, "string functions too costly"
    )
    big = f'local s = "{"x" * 65536}" for i = 1, {{n}} do local t = s:upper() end x = "done"'
    assert evaluate_rockspec(big.format(n=243).encode()) == {b"x": b"done"}
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(big.format(n=244).encode())
    assert caught.value.message == at_line(1, "string functions too costly")


@pytest.mark.parametrize(
    "expression",
    [
        '("a"):rep(5000):match(("a*"):rep(20) .. "b")',  # backtracking: hours in C Lua
        '("a"):rep(5000):match((".-"):rep(20) .. "b")',
        '("ab"):rep(30000):find(("[ab]-"):rep(20) .. "c")',
        '("a"):rep(65536):find(("a"):rep(30000) .. "b", 1, true)',  # a plain search, quadratic
        '("("):rep(30000):gsub("%b()", "")',  # balanced: quadratic in unclosed brackets
        '("a"):rep(4000):find("(a+)%1c")',  # back references compare bytes
    ],
)
def test_costly_patterns_are_refused_by_their_cost(no_wall_clock, expression):
    assert value_of(expression) == TOO_COSTLY


def test_pattern_items_nest_at_most_200_deep():
    """Each `a?` that matches tries the rest of the pattern one level deeper (Lua 5.2's bound)."""
    subject = '("a"):rep(200)'
    assert value_of(f'{subject}:match(("a?"):rep({MAX_MATCH_DEPTH - 1}))') == b"a" * 199
    assert value_of(f'{subject}:match(("a?"):rep({MAX_MATCH_DEPTH}))') == at_line(
        1, "pattern too complex"
    )


def test_gmatch_works_within_the_bounds():
    spec = evaluate_rockspec(b'x = "" for w in ("a b c"):gmatch("%a") do x = x .. w end')
    assert spec == {b"x": b"abc"}


def test_a_replacement_function_runs_under_the_same_limits(no_wall_clock):
    program = (
        'x = ("ab"):gsub("%a", function(c) return ("a"):rep(65536):match(("a*"):rep(9) .. "b") end)'
    )
    assert value_of(program.removeprefix("x = ")) == TOO_COSTLY


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
    assert value_of("{[0/0] = 1}") == at_line(1, "table index is NaN")


def test_a_shebang_line_is_dropped_and_its_newline_kept():
    assert evaluate_rockspec(b"#!/usr/bin/env lua\nx = 1") == {b"x": 1}
    assert evaluate_rockspec(b"#!/usr/bin/env lua") == {}
    assert evaluate_rockspec(b"# comment\nx = 2\n") == {b"x": 2}
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(b"x = 1\n#!/usr/bin/env lua\n")
    assert caught.value.message == at_line(2, "unexpected symbol near '#'", PARSE)
    with pytest.raises(InvalidRockspec) as caught:  # the line after a shebang is line 2
        evaluate_rockspec(b"#!/usr/bin/env lua\nx = = 1")
    assert caught.value.message == at_line(2, "unexpected symbol near '='", PARSE)


@pytest.mark.parametrize(
    ("program", "message"),
    [
        (b"x = = 1", at_line(1, "unexpected symbol near '='", PARSE)),
        (
            b'package = "foo"\nversion = "1.0-1"\nx y = 1',
            at_line(3, "'=' expected near 'y'", PARSE),
        ),
        (b"x = ", at_line(1, "unexpected symbol near '<eof>'", PARSE)),
        (b"\n\nx = nil .. 1", at_line(3, "attempt to concatenate a nil value")),
        (b"x = {\n  y = z.w }", at_line(2, "attempt to index global 'z' (a nil value)")),
        (b"\n\n\n\nx = ('x'):dump()", at_line(5, "string.dump is not available in a rockspec")),
        (b"x = require('os')", at_line(1, "attempt to call global 'require' (a nil value)")),
        (
            b'x = ("%d"):format("y")',
            at_line(1, "bad argument #2 to 'f' (number expected, got string)"),
        ),
    ],
)
def test_errors_name_the_reason_and_the_rockspec_line(program, message):
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(program)
    assert caught.value.message == message


def test_a_reason_is_printable_and_bounded():
    """Lua quotes the token it stopped at: a long or binary one is cut and made printable."""
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(b'x = "\x01\xff' + b"y" * 1000 + b"\n")
    message = caught.value.message
    assert message.startswith(
        PARSE + ': [string "rockspec"]:1: unfinished string near \'" \ufffdyyy'
    )
    assert len(message) == len(PARSE) + 2 + 300 and message.endswith("...")
    assert message.isprintable()


def test_bytecode_is_refused_with_its_reason():
    with pytest.raises(InvalidRockspec) as caught:
        evaluate_rockspec(b"\x1bLua\x51\x00")
    assert caught.value.message == f"{PARSE}: precompiled Lua (bytecode) is not accepted"


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
        ('x = ("x"):rep(65537)', at_line(3, "string too long")),
        (f"x = {T}:upper()", at_line(3, "string too long")),
        ('x = ("a"):rep(5000):match(("a*"):rep(20) .. "b")', at_line(3, "pattern too costly")),
        ('x = ("a"):rep(200):match(("a?"):rep(200))', at_line(3, "pattern too complex")),
        ('x = ("a"):find("[a")', at_line(3, "malformed pattern (missing ']')")),
        ("x y = 1", at_line(3, "'=' expected near 'y'", PARSE)),
        (f"x = {nested(32)}", COMPLEX),
        (BYTES.format(tail=65536), COMPLEX),
        ("x = {[0/0] = 1}", at_line(3, "table index is NaN")),
    ],
)
def test_sandbox_refusals_through_the_upload_api(upload, secret, no_wall_clock, body, message):
    before = Snapshot()
    response = upload(secret, (HEAD + body).encode())
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}
    before.assert_unchanged()


@pytest.mark.django_db
def test_a_rockspec_using_the_string_library_within_its_bounds_is_stored(upload, secret):
    body = (
        HEAD + 'local versionNumber = version:gsub("^(.*)-.-$", "%1")\n'
        'source = { url = "https://e.org/foo-" .. versionNumber .. ".tar.gz" }\n'
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
    assert caught.value.message == at_line(3, "not enough memory")


def test_dependency_strings_are_read_up_to_1000_characters():
    def constraint_of(names: int) -> str:
        text = spec_with("", dependencies=f'{{ ("n"):rep({names}) .. " >= 1" }}')
        return parsed(text).dependencies[0].constraint

    assert constraint_of(998) == ">"  # " >" are the 999th and 1000th characters
    assert constraint_of(999) == ""


def test_a_reason_never_shows_a_position_in_the_sandbox_s_own_code():
    """Defence in depth: the Lua side already gives every message the rockspec's line."""
    from releases.rockspecs import _reason

    assert _reason(b'[string "<python>"]:12: oops') == "oops"
    assert _reason(b'[string "rockspec"]:3: oops') == '[string "rockspec"]:3: oops'
