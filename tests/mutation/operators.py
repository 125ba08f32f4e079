"""Mutants of one module, made from its syntax tree: each is one small planted mistake.

Operators (the mistakes a careless edit or a wrong reading of a spec makes):
- `compare`: a comparison moved across its boundary or negated (`<` -> `<=`, `==` -> `!=`,
  `in` -> `not in`, `is` -> `is not`);
- `negate`: the test of an `if`, `elif`, `while`, conditional expression or comprehension filter
  negated, and a `not` dropped;
- `delete`: a `raise` or `return` statement replaced by `pass`;
- `constant`: an int or float shifted by one either way, a bool flipped;
- `boolop`: `and` <-> `or`;
- `arith`: `+` <-> `-`, `*` <-> `//`, `max` <-> `min`;
- `rank`: a rank (`Rank.EDITOR`) moved one step down or up the ladder (accounts/models.py `Rank`).

Type annotations and docstrings are never mutated; strings are not either (messages are checked by
the tests' exact-body assertions, and a changed message says nothing about the logic).

A mutant is compiled from the changed tree, so line numbers stay those of the real file. Its id
(function, operator, before -> after, and an occurrence number when the same change appears twice
in one function) survives unrelated edits elsewhere in the module, which keeps the list of
equivalent mutants in tests/mutation/targets.py valid.
"""

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COMPARE_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
ARITH_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
}
CALL_SWAPS = {"max": "min", "min": "max"}
SKIPPED_FIELDS = {"annotation", "returns", "type_comment", "type_params"}


@dataclass(frozen=True)
class Mutant:
    module: str  # path relative to the repository, e.g. "releases/zips.py"
    id: str
    line: int
    index: int  # position among the module's mutants
    source: (
        str  # the module's text the mutant was made from (read once: edits meanwhile are ignored)
    )
    _apply: Callable[[ast.Module], None]

    def code(self):
        """The code object of the mutated module, with the real file's name and line numbers."""
        mutated = ast.parse(self.source)
        self._apply(mutated)
        return compile(ast.fix_missing_locations(mutated), str(ROOT / self.module), "exec")


def rank_ladder(models: Path = ROOT / "accounts" / "models.py") -> list[str]:
    """The members of `class Rank` in their order, read from the source (never imported)."""
    tree = ast.parse(models.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Rank":
            return [
                stmt.targets[0].id
                for stmt in node.body
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
            ]
    raise LookupError("class Rank not found in accounts/models.py")


def _short(node: ast.AST, limit: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _walk(
    node: ast.AST, scope: tuple[str, ...] = ()
) -> Iterator[tuple[ast.AST, ast.AST | None, tuple[str, ...]]]:
    """(node, parent, enclosing function/class names), in a fixed order, skipping annotations and
    docstrings. The same order on a deep copy finds the same node."""
    stack: list[tuple[ast.AST, ast.AST | None, tuple[str, ...]]] = [(node, None, scope)]
    while stack:
        current, parent, names = stack.pop()
        yield current, parent, names
        children = []
        for field, value in ast.iter_fields(current):
            if field in SKIPPED_FIELDS:
                continue
            items = value if isinstance(value, list) else [value]
            for position, item in enumerate(items):
                if not isinstance(item, ast.AST):
                    continue
                if field == "body" and position == 0 and _is_docstring(item):
                    continue
                children.append((item, current, _scope(current, field, position, names)))
        stack.extend(reversed(children))


def _scope(node: ast.AST, field: str, position: int, names: tuple[str, ...]) -> tuple[str, ...]:
    """Where a child of `node` sits, for readable ids: `can`, `PERMISSIONS[Action.EDIT_PACKAGE].own`,
    `ZipLimits.max_ratio`, `DELTAS["rc"]`."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return (*names, node.name)
    if isinstance(node, ast.Assign | ast.AnnAssign) and field == "value":
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if isinstance(target, ast.Name) and (not names or names[-1][:1].isupper()):
            return (*names, target.id)  # module constants and class fields
    if isinstance(node, ast.Dict) and field == "values" and node.keys[position] is not None:
        return (*names, f"[{_short(node.keys[position], 40)}]")
    if isinstance(node, ast.keyword) and node.arg:
        return (*names, node.arg)
    return names


def _join(names: tuple[str, ...]) -> str:
    return "".join(n if n.startswith("[") or i == 0 else f".{n}" for i, n in enumerate(names))


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _negated(test: ast.expr) -> ast.expr:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return ast.UnaryOp(op=ast.Not(), operand=test)


def _replace_child(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for position, item in enumerate(value):
                if item is old:
                    value[position] = new
                    return
    raise LookupError("child not found")


def _candidates(node: ast.AST, parent: ast.AST | None, ladder: list[str]):
    """(operator, description, change) for each mutation of `node`; `change(copy, copy_parent)`
    applies it to the node's counterpart in a copied tree."""
    if isinstance(node, ast.Compare):
        for position, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap is None:
                continue
            after = copy.deepcopy(node)
            after.ops[position] = swap()

            def change(target, _parent, position=position, swap=swap):
                target.ops[position] = swap()

            yield "compare", f"{_short(node)} -> {_short(after)}", change
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        after = _negated(node.test)

        def change(target, _parent):
            target.test = _negated(target.test)

        yield "negate", f"{_short(node.test)} -> {_short(after)}", change
    if isinstance(node, ast.comprehension):
        for position, test in enumerate(node.ifs):

            def change(target, _parent, position=position):
                target.ifs[position] = _negated(target.ifs[position])

            yield "negate", f"{_short(test)} -> {_short(_negated(test))}", change
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.Not)
        and not isinstance(parent, ast.If | ast.While | ast.IfExp | ast.comprehension)
    ):

        def change(target, target_parent):
            _replace_child(target_parent, target, target.operand)

        yield "negate", f"{_short(node)} -> {_short(node.operand)}", change
    if isinstance(node, ast.Raise | ast.Return):

        def change(target, target_parent):
            _replace_child(target_parent, target, ast.Pass())

        yield "delete", f"{_short(node)} -> pass", change
    if isinstance(node, ast.Constant) and not isinstance(parent, ast.JoinedStr):
        value = node.value
        if isinstance(value, bool):

            def change(target, _parent):
                target.value = not target.value

            yield "constant", f"{value} -> {not value}", change
        elif isinstance(value, int | float):
            for delta in (1, -1):
                shifted = value + delta

                def change(target, _parent, shifted=shifted):
                    target.value = shifted

                yield "constant", f"{value!r} -> {shifted!r}", change
    if isinstance(node, ast.BoolOp):
        swap = ast.Or if isinstance(node.op, ast.And) else ast.And
        after = copy.deepcopy(node)
        after.op = swap()

        def change(target, _parent, swap=swap):
            target.op = swap()

        yield "boolop", f"{_short(node)} -> {_short(after)}", change
    if isinstance(node, ast.BinOp) and type(node.op) in ARITH_SWAPS:
        swap = ARITH_SWAPS[type(node.op)]
        after = copy.deepcopy(node)
        after.op = swap()

        def change(target, _parent, swap=swap):
            target.op = swap()

        yield "arith", f"{_short(node)} -> {_short(after)}", change
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in CALL_SWAPS
    ):
        other = CALL_SWAPS[node.func.id]

        def change(target, _parent, other=other):
            target.func = ast.Name(id=other, ctx=ast.Load())

        yield "arith", f"{node.func.id}(...) -> {other}(...) in {_short(node)}", change
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Rank"
        and node.attr in ladder
    ):
        step = ladder.index(node.attr)
        for neighbour in (step - 1, step + 1):
            if 0 <= neighbour < len(ladder):
                moved = ladder[neighbour]

                def change(target, _parent, moved=moved):
                    target.attr = moved

                yield "rank", f"Rank.{node.attr} -> Rank.{moved}", change


def mutants(module: str, *, source: str | None = None) -> list[Mutant]:
    """Every mutant of `module` (a path relative to the repository root)."""
    text = source if source is not None else (ROOT / module).read_text()
    tree = ast.parse(text)
    ladder = rank_ladder()
    found: list[Mutant] = []
    seen: dict[str, int] = {}
    for position, (node, parent, names) in enumerate(_walk(tree)):
        for operator, description, change in _candidates(node, parent, ladder):
            scope = _join(names) or "<module>"
            base = f"{scope}: {operator} {description}"
            count = seen.get(base, 0)
            seen[base] = count + 1
            mutant_id = base if count == 0 else f"{base} #{count + 1}"

            def apply(copied: ast.Module, position=position, change=change) -> None:
                nodes = list(_walk(copied))
                target, target_parent, _ = nodes[position]
                change(target, target_parent)

            found.append(
                Mutant(
                    module=module,
                    id=mutant_id,
                    line=next((n.lineno for n in ast.walk(node) if hasattr(n, "lineno")), 0),
                    index=len(found),
                    source=text,
                    _apply=apply,
                )
            )
    return found
