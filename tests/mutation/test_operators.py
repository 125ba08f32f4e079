"""The mutation tool's own checks (fast, no database): each operator makes the mutants it claims,
ids are unique and stable, and tests/mutation/targets.py names only files and mutants that exist."""

import ast
from pathlib import Path

import pytest

from tests.mutation.operators import ROOT, mutants, rank_ladder
from tests.mutation.targets import EQUIVALENT, TARGETS

SAMPLE = '''
"""Docstring with 1 number."""
LIMIT: int = 10


def check(size: int = 3, *, user) -> bool:
    """Never mutated: 5."""
    if size > LIMIT and not user.ok:
        raise ValueError("too big")
    total = size + 1
    return max(total, 0) == 4 or user.rank >= Rank.EDITOR
'''


def ids(source: str) -> list[str]:
    return [m.id for m in mutants("sample.py", source=source)]


def test_each_operator_makes_its_mutants():
    found = ids(SAMPLE)
    assert found == [
        "LIMIT: constant 10 -> 11",
        "LIMIT: constant 10 -> 9",
        "check: constant 3 -> 4",
        "check: constant 3 -> 2",
        "check: negate size > LIMIT and (not user.ok) -> not (size > LIMIT and (not user.ok))",
        "check: boolop size > LIMIT and (not user.ok) -> size > LIMIT or not user.ok",
        "check: compare size > LIMIT -> size >= LIMIT",
        "check: negate not user.ok -> user.ok",
        "check: delete raise ValueError('too big') -> pass",
        "check: arith size + 1 -> size - 1",
        "check: constant 1 -> 2",
        "check: constant 1 -> 0",
        "check: delete return max(total, 0) == 4 or user.rank >= Rank.EDITOR -> pass",
        "check: boolop max(total, 0) == 4 or user.rank >= Rank.EDITOR -> max(total, 0) == 4 and user.rank >= Rank.EDITOR",
        "check: compare max(total, 0) == 4 -> max(total, 0) != 4",
        "check: arith max(...) -> min(...) in max(total, 0)",
        "check: constant 0 -> 1",
        "check: constant 0 -> -1",
        "check: constant 4 -> 5",
        "check: constant 4 -> 3",
        "check: compare user.rank >= Rank.EDITOR -> user.rank > Rank.EDITOR",
        "check: rank Rank.EDITOR -> Rank.APPROVER",
        "check: rank Rank.EDITOR -> Rank.BOT",
    ]


def test_each_mutant_compiles_to_code_that_differs_in_one_place():
    original = ast.dump(ast.parse(SAMPLE))
    for mutant in mutants("sample.py", source=SAMPLE):
        mutated = ast.parse(SAMPLE)
        mutant._apply(mutated)
        assert ast.dump(mutated) != original, mutant.id
        assert mutant.code().co_filename == str(ROOT / "sample.py")


def test_ids_say_where_in_a_table_the_mistake_is():
    source = "PERMISSIONS = {Action.EDIT: Rule(anyone_from=Rank.EDITOR, own=True)}\n"
    assert ids(source) == [
        "PERMISSIONS[Action.EDIT].anyone_from: rank Rank.EDITOR -> Rank.APPROVER",
        "PERMISSIONS[Action.EDIT].anyone_from: rank Rank.EDITOR -> Rank.BOT",
        "PERMISSIONS[Action.EDIT].own: constant True -> False",
    ]


def test_repeated_changes_in_one_function_are_numbered():
    assert ids("def f(a):\n    return a[1] + a[1]\n")[2:6] == [
        "f: constant 1 -> 2",
        "f: constant 1 -> 0",
        "f: constant 1 -> 2 #2",
        "f: constant 1 -> 0 #2",
    ]


def test_the_rank_ladder_is_read_from_the_model():
    assert rank_ladder() == [
        "BANNED",
        "NOT_JOINED",
        "NEW_MEMBER",
        "MEMBER",
        "TRUSTED_MEMBER",
        "APPROVER",
        "EDITOR",
        "BOT",
        "MODERATOR",
        "ADMIN",
    ]


@pytest.mark.parametrize("module", list(TARGETS))
def test_targets_name_existing_modules_and_tests_and_ids_are_unique(module):
    assert (ROOT / module).is_file()
    assert all((ROOT / test).is_file() for test in TARGETS[module])
    found = [m.id for m in mutants(module)]
    assert len(found) == len(set(found))


@pytest.mark.parametrize("module", list(EQUIVALENT))
def test_every_listed_equivalent_mutant_exists_and_has_a_reason(module):
    assert module in TARGETS
    found = {m.id for m in mutants(module)}
    for mutant_id, reason in EQUIVALENT[module].items():
        assert mutant_id in found, f"{module}: no mutant {mutant_id!r} (the code changed?)"
        assert len(reason) > 20, mutant_id


def test_the_runner_is_not_collected_as_tests():
    folder = Path(__file__).parent
    assert sorted(p.name for p in folder.glob("test_*.py")) == ["test_operators.py"]
