"""LuaRocks version ordering and Lua-version constraints, checked against a table, properties and the
client's own `core/vers.lua` run by the real lua5.1."""

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from releases.versions import (
    compare_versions,
    lua_dependency_allows,
    parse_version,
    sort_versions,
    version_lt,
)

# (lower, higher): the client says lower < higher and not higher < lower
KNOWN_ORDER = [
    ("1.0rc1", "1.0"),
    ("1.0", "1.0.1"),
    ("1.0rc1", "1.0rc2"),
    ("1.0alpha", "1.0beta"),
    ("1.0beta", "1.0pre"),
    ("1.0pre", "1.0rc"),
    ("1.0-1", "1.0-2"),
    ("1.0-9", "1.0-10"),
    ("1.9", "1.10"),
    ("2.0-1", "scm-1"),
    ("999.999-1", "cvs-1"),
    ("cvs-1", "scm-1"),
    ("scm-1", "dev-1"),
    ("0.9-1", "1.0-1"),
    ("1.0.0-1", "1.0.1-1"),
    ("1.2.3rc1-1", "1.2.3-1"),
    ("1.rc99950000", "1"),  # -1000 + 999.5: a component between -1 and 0, below the padding 0
]
# pairs the client considers neither lower nor higher
UNORDERED = [("1.0", "1.0.0"), ("1.0", "1.0-1"), ("1.0-1", "1.0.0-1"), ("1.0_0", "1.0.0")]


@pytest.mark.parametrize(("low", "high"), KNOWN_ORDER)
def test_known_pairs_are_ordered_as_the_client_orders_them(low, high):
    assert version_lt(low, high)
    assert not version_lt(high, low)
    assert compare_versions(low, high) == -1
    assert compare_versions(high, low) == 1


@pytest.mark.parametrize(("a", "b"), UNORDERED)
def test_padding_makes_these_pairs_unordered(a, b):
    assert not version_lt(a, b)
    assert not version_lt(b, a)


def test_equality_needs_the_same_number_of_components_like_the_client():
    from releases.versions import match_constraints, parse_constraints

    assert match_constraints("1.0", parse_constraints("== 1.0"))
    assert not match_constraints("1.0.0", parse_constraints("== 1.0"))
    assert match_constraints("1.0.0", parse_constraints(">= 1.0, <= 1.0"))


def test_sort_versions_puts_newest_first_with_dev_versions_on_top():
    versions = ["1.0-1", "scm-1", "1.0rc1-1", "1.10-1", "1.9-1", "1.0-2"]
    assert sort_versions(versions, newest_first=True) == [
        "scm-1",
        "1.10-1",
        "1.9-1",
        "1.0-2",
        "1.0-1",
        "1.0rc1-1",
    ]


def test_parse_version_follows_the_word_then_number_rule():
    assert parse_version("1.0rc2-3").components == (1.0, 0.0, -1000 + 2 / 100000)
    assert parse_version("1.0rc2-3").revision == 3
    assert parse_version("scm-1").components == (110000000.0,)
    assert parse_version("1.0+x").components == (1.0, 0.0, 0.0)  # unparsable tail -> 0, stop
    assert parse_version("1.0zz").components == (1.0, 0.0, ord("z") / 1000)


@pytest.mark.parametrize(
    ("dependency", "allowed"),
    [
        ("lua >= 5.1, < 5.4", {"5.1", "5.2", "5.3"}),
        ("lua ~> 5.1", {"5.1"}),
        ("lua == 5.2", {"5.2"}),
        ("lua 5.3", {"5.3"}),
        ("lua >= 5.1", {"5.1", "5.2", "5.3", "5.4", "5.5"}),
        ("lua > 5.1", {"5.2", "5.3", "5.4", "5.5"}),
        ("lua ~= 5.1", {"5.2", "5.3", "5.4", "5.5"}),
        ("lua < 5.2", {"5.1"}),
        ("lua <= 5.2, != 5.1", {"5.2"}),
        ("lua >= 5.1, < 5.5", {"5.1", "5.2", "5.3", "5.4"}),
        ("lua", {"5.1", "5.2", "5.3", "5.4", "5.5"}),
        ("", {"5.1", "5.2", "5.3", "5.4", "5.5"}),
        ("lua >> 5.1", set()),  # the client cannot parse it: in no versioned manifest
    ],
)
def test_lua_dependency_filters_lua_versions(dependency, allowed):
    lua_versions = ["5.1", "5.2", "5.3", "5.4", "5.5"]
    assert {v for v in lua_versions if lua_dependency_allows(dependency, v)} == allowed


# --- properties -----------------------------------------------------------------------------------

_piece = st.one_of(
    st.integers(min_value=0, max_value=30).map(str),
    st.sampled_from(["rc", "pre", "beta", "alpha", "scm", "dev", "cvs", "b", "x", "RC"]),
)
_sep = st.sampled_from([".", "", "-", "_"])
versions = st.builds(
    lambda pieces, seps, rev: (
        "".join(p + s for p, s in zip(pieces, seps, strict=False)).strip(".-_")
        + (f"-{rev}" if rev is not None else "")
    ),
    st.lists(_piece, min_size=1, max_size=5),
    st.lists(_sep, min_size=5, max_size=5),
    st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
)
rockspec_versions = versions.filter(lambda v: parse_version(v).revision is not None)


@given(versions, versions)
def test_compare_is_antisymmetric(a, b):
    assert compare_versions(a, b) == -compare_versions(b, a)


@given(versions, versions, versions)
def test_compare_is_transitive(a, b, c):
    if compare_versions(a, b) <= 0 and compare_versions(b, c) <= 0:
        assert compare_versions(a, c) <= 0


@given(versions)
def test_compare_is_reflexive(a):
    assert compare_versions(a, a) == 0


@given(versions, versions)
def test_compare_refines_the_clients_strict_order(a, b):
    # whenever the client orders a pair, the sort key orders it the same way
    if version_lt(a, b):
        assert compare_versions(a, b) == -1


@given(rockspec_versions, rockspec_versions)
def test_compare_is_exactly_the_client_order_when_both_have_revisions(a, b):
    expected = -1 if version_lt(a, b) else (1 if version_lt(b, a) else 0)
    assert compare_versions(a, b) == expected


@given(st.lists(versions, max_size=12))
def test_sorted_output_is_non_decreasing(items):
    ordered = sort_versions(items)
    assert all(compare_versions(x, y) <= 0 for x, y in itertools.pairwise(ordered))


# --- against the real client ----------------------------------------------------------------------

VERS_LUA = Path("/usr/share/lua/5.1/luarocks/core/vers.lua")


@pytest.mark.skipif(
    shutil.which("lua5.1") is None or not VERS_LUA.exists(), reason="lua5.1/luarocks missing"
)
@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(versions, versions), min_size=20, max_size=40))
def test_agrees_with_the_installed_luarocks_vers_lua(pairs):
    script = (
        "package.path = '/usr/share/lua/5.1/?.lua;' .. package.path\n"
        "local vers = require('luarocks.core.vers')\n"
        "for line in io.lines() do\n"
        "  local a, b = line:match('^(.-)\\t(.*)$')\n"
        "  local va, vb = vers.parse_version(a), vers.parse_version(b)\n"
        "  io.write((va < vb) and '1' or '0', (vb < va) and '1' or '0', '\\n')\n"
        "end\n"
    )
    stdin = "".join(f"{a}\t{b}\n" for a, b in pairs)
    result = subprocess.run(
        ["lua5.1", "-e", script], input=stdin, capture_output=True, text=True, check=True
    )
    for (a, b), line in zip(pairs, result.stdout.splitlines(), strict=True):
        assert line == f"{int(version_lt(a, b))}{int(version_lt(b, a))}", (a, b)


# --- constraints with revisions and padding, and dependencies the client cannot parse -----------
# (version, dependency, the client's answer): from luarocks 3.8's queries.from_dep_string and
# vers.match_constraints; None where the client cannot parse the dependency at all
CONSTRAINT_CASES = [
    ("5.1", "lua ~> 5.1.0", True),  # ~> pads the version with zeros (no IndexError)
    ("5.1.0", "lua ~> 5.1", True),
    ("5.1.1", "lua ~> 5.1.0", False),
    ("5.1-1", "lua == 5.1-2", False),  # == compares revisions when both have one
    ("5.1", "lua == 5.1-2", True),  # ...and ignores them when one has none
    ("5.1", "lua == 5.1.0", False),  # == does not pad
    ("5.1-2", "lua ~> 5.1-2", True),
    ("5.1", "lua ~> 5.1-2", False),  # ~> with a revision needs the same revision
    ("5.1-2", "lua ~> 5.1", True),
    ("5.1-1", "lua ~= 5.1-2", True),
    ("5.1-1", "lua < 5.1-2", True),
    ("5.1", "lua < 5.1-2", False),
    ("5.1-3", "lua <= 5.1-2", False),
    ("5.1-2", "lua >= 5.1-2", True),
    ("5.1.0-1", "lua > 5.1-2", False),
    ("5.1.0-3", "lua > 5.1-2", True),
    ("5.4", "lua >= 5.1,< 5.4", False),
    ("5.1", "  lua>=5.1", True),
    ("5.1", ">= 5.1", None),  # no name (no AttributeError)
    ("5.1", "lua >> 5.1", None),
    ("5.1", "lua ~> ", None),
]


@pytest.mark.parametrize(("version", "dependency", "expected"), CONSTRAINT_CASES)
def test_constraints_answer_as_the_client_does(version, dependency, expected):
    from releases.versions import ConstraintError, match_constraints, parse_dependency

    lua_dependency_allows.cache_clear()
    if expected is None:
        with pytest.raises(ConstraintError):
            parse_dependency(dependency)
        assert lua_dependency_allows(dependency, version) is False
    else:
        name, constraints = parse_dependency(dependency)
        assert name == "lua"
        assert match_constraints(version, constraints) is expected
        assert lua_dependency_allows(dependency, version) is expected


def test_constraint_and_dependency_parsing():
    from releases.versions import parse_constraints, parse_dependency

    parsed = parse_constraints("@>=1.0, != 2.0-1 ~>3 = 4 5")
    assert [(c.op, c.version.components, c.version.revision) for c in parsed] == [
        (">=", (1.0, 0.0), None),
        ("~=", (2.0, 0.0), 1),
        ("~>", (3.0,), None),
        ("==", (4.0,), None),
        ("==", (5.0,), None),
    ]
    assert parse_constraints("") == []
    assert parse_dependency("luasocket") == ("luasocket", [])
    assert parse_dependency("user/lib >= 1")[0] == "user/lib"
    assert parse_dependency("lua >= 5.1 / junk")[1][0].version.components == (5.0, 1.0)


@pytest.mark.parametrize("lua_version", ["5.1", "5.2", "5.3", "5.4", "5.5"])
def test_blank_and_unparsable_dependencies_in_every_or_no_manifest(lua_version):
    assert lua_dependency_allows("", lua_version)
    assert lua_dependency_allows("   ", lua_version)
    assert not lua_dependency_allows(">= 5.1", lua_version)


@pytest.mark.parametrize(
    "versions",
    [
        ["1.0.0-2", "1.0-1"],
        ["1.0-1", "1.0.0-2"],
        ["1.0-2", "1.0.0-1", "1.0", "1.0.0.0-3", "1-4"],
        ["2.0", "1.0.0.0.0-1", "1.0rc1-9", "scm-1"],
        ["1.0-0", "1.0"],  # no revision counts as 0: a tie, kept in the given order
        ["1.0", "1.0-0"],
        [],
    ],
)
def test_the_fast_sort_is_the_order_of_compare_versions(versions):
    from releases.versions import version_key

    assert sort_versions(versions) == sorted(versions, key=version_key)
    assert sort_versions(versions, newest_first=True) == sorted(
        versions, key=version_key, reverse=True
    )


def test_trailing_zeros_with_revisions_sort_by_revision():
    assert sort_versions(["1.0.0-2", "1.0-1"]) == ["1.0-1", "1.0.0-2"]
    assert sort_versions(["1.0-3", "1.0.0-2"]) == ["1.0.0-2", "1.0-3"]
    assert compare_versions("1.0.0-2", "1.0-1") == 1


@given(st.lists(versions, max_size=12))
def test_fast_sort_agrees_with_compare_versions(items):
    from releases.versions import version_key

    assert sort_versions(items) == sorted(items, key=version_key)
    assert sort_versions(items, newest_first=True) == sorted(items, key=version_key, reverse=True)


_operators = st.sampled_from(["==", "~=", ">", "<", ">=", "<=", "~>", "", "=", "!=", ">>", "=<"])
dependencies = st.builds(
    lambda parts: "lua " + ", ".join(f"{op} {v}" for op, v in parts),
    st.lists(st.tuples(_operators, versions), min_size=1, max_size=3),
)


@pytest.mark.skipif(
    shutil.which("lua5.1") is None or not VERS_LUA.exists(), reason="lua5.1/luarocks missing"
)
@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(versions, dependencies), min_size=20, max_size=40))
def test_constraints_agree_with_the_installed_luarocks(pairs):
    from releases.versions import ConstraintError, match_constraints, parse_dependency

    script = (
        "package.path = '/usr/share/lua/5.1/?.lua;' .. package.path\n"
        "require('luarocks.core.cfg').init()\n"
        "local queries = require('luarocks.queries')\n"
        "local vers = require('luarocks.core.vers')\n"
        "for line in io.lines() do\n"
        "  local v, dep = line:match('^(.-)\\t(.*)$')\n"
        "  local q = queries.from_dep_string(dep)\n"
        "  if not q then io.write('E\\n') else\n"
        "    local ok = vers.match_constraints(vers.parse_version(v), q.constraints)\n"
        "    io.write(ok and '1' or '0', '\\n')\n"
        "  end\n"
        "end\n"
    )
    stdin = "".join(f"{v}\t{d}\n" for v, d in pairs)
    result = subprocess.run(
        ["lua5.1", "-e", script], input=stdin, capture_output=True, text=True, check=True
    )
    for (version, dependency), line in zip(pairs, result.stdout.splitlines(), strict=True):
        try:
            ours = "1" if match_constraints(version, parse_dependency(dependency)[1]) else "0"
        except ConstraintError:
            ours = "E"
        assert line == ours, (version, dependency)


# The words' exact weights, as pairs the client calls equal (luarocks 3.8 `vers.parse_version`
# gives both sides the same numbers): each weight is pinned to a number or to its neighbour plus
# the number that follows it (a number after a word adds number / 100000).
EQUAL_WEIGHTS = [
    ("1.dev", "1.120000000"),
    ("1.scm", "1.110000000"),
    ("1.cvs", "1.100000000"),
    ("1.0rc", "1.0pre900000000"),
    ("1.0pre", "1.0beta9000000000"),
    ("1.0beta", "1.0alpha90000000000"),
    ("1.0rc1", "1.0rc00001"),
]


@pytest.mark.parametrize(("a", "b"), EQUAL_WEIGHTS)
def test_word_weights_are_the_clients(a, b):
    assert parse_version(a).components == parse_version(b).components
    assert not version_lt(a, b) and not version_lt(b, a)
    assert compare_versions(a, b) == 0


def test_an_unknown_word_weighs_its_first_letter():
    assert parse_version("1.0ab").components == (1.0, 0.0, ord("a") / 1000)
    assert parse_version("1.0ba").components == (1.0, 0.0, ord("b") / 1000)
    assert version_lt("1.0ab", "1.0ba")


def test_parsed_versions_are_shared_and_cannot_be_changed():
    """parse_version caches its answers: one caller changing one would change it for all."""
    from dataclasses import FrozenInstanceError

    assert parse_version("1.2-3") is parse_version("1.2-3")
    with pytest.raises(FrozenInstanceError):
        parse_version("1.2-3").revision = 4
