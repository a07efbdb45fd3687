"""Which top-level statements of a notebook the graded module keeps: the definitions, and transitively every
statement that binds or changes a name something kept reads; and which ones only work in Colab (`colab_only`), which
neither grading nor `grader run` runs.

"Changes" is what a kept definition could observe without the name being rebound: a method call on the object
(`steps.append(transforms.Normalize(...))`), item or attribute assignment (`config["lr"] = 0.1`), augmented
assignment and `del` of an item. A call through a module (`torch.manual_seed(0)`, `plt.plot(...)`) is a function
call, not a change to an object the definitions read, so a plot or a `torch.save` cell is not run because of it.
"""

from __future__ import annotations

import ast
import symtable
from dataclasses import dataclass

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COLAB = "google.colab"


@dataclass(frozen=True)
class Statement:
    """A top-level statement of a cell: its lines in that cell (1-based, decorators included) and its own text."""

    cell: int
    first: int
    last: int
    node: ast.stmt
    text: str

    @property
    def is_definition(self) -> bool:
        return isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)

    @property
    def always_kept(self) -> bool:
        """Definitions, `from __future__` and star imports (whose names cannot be known without running them)."""
        star = isinstance(self.node, ast.ImportFrom) and any(alias.name == "*" for alias in self.node.names)
        return self.is_definition or star or is_future(self.node)


def is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


@dataclass(frozen=True)
class _Uses:
    binds: frozenset[str]
    changes: frozenset[str]
    reads: frozenset[str]


def _names(text: str) -> tuple[set[str], set[str]]:
    """(names a top-level statement binds, global names it reads anywhere inside, function bodies included)."""
    table = symtable.symtable(text, "<cell>", "exec")
    binds = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    reads = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    pending = list(table.get_children())
    while pending:
        scope = pending.pop()
        reads |= {s.get_name() for s in scope.get_symbols() if s.is_global() and s.is_referenced()}
        pending.extend(scope.get_children())
    return binds, reads


def _root(node: ast.expr) -> str | None:
    """`steps` for `steps`, `steps[0].mean`, `config["a"]["b"]`: the name an attribute or item chain starts from;
    None through a call (`MLP().to(device)` changes the new object, not `MLP`)."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        return [node.target]
    if isinstance(node, ast.Delete):
        return list(node.targets)
    return []


def _flat(targets: list[ast.expr]) -> list[ast.expr]:
    flat: list[ast.expr] = []
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            flat += _flat(list(target.elts))
        elif isinstance(target, ast.Starred):
            flat += _flat([target.value])
        else:
            flat.append(target)
    return flat


def _walk_here(node: ast.AST) -> list[ast.AST]:
    """The statement's nodes, not those of a function, class or lambda it defines (run later, if ever)."""
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(child for child in ast.iter_child_nodes(current) if not isinstance(child, _SCOPES))
    return found


def _changes(node: ast.stmt, modules: set[str]) -> set[str]:
    """Names whose object this statement changes in place when it runs (see the module's docstring)."""
    changed: set[str] = set()
    for inner in _walk_here(node):
        for target in _flat(_targets(inner)):
            root = _root(target)
            if root and isinstance(target, ast.Attribute | ast.Subscript):
                changed.add(root)
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
            root = _root(inner.func)
            if root and root not in modules:
                changed.add(root)
    return changed


def _module_names(statements: list[Statement]) -> set[str]:
    """Names the notebook binds by importing them (module objects, or what a `from` import brings)."""
    names: set[str] = set()
    for statement in statements:
        if isinstance(statement.node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in statement.node.names}
    return names


def _uses(statement: Statement, modules: set[str]) -> _Uses:
    try:
        binds, reads = _names(statement.text)
    except SyntaxError:  # a statement valid only in its cell's context (top-level await): never needed
        return _Uses(frozenset(), frozenset(), frozenset())
    return _Uses(frozenset(binds), frozenset(_changes(statement.node, modules)), frozenset(reads))


def kept_statements(statements: list[Statement], never: list[bool] | None = None) -> list[bool]:
    """Definitions, plus every statement that binds or changes a name something kept reads, until nothing new is
    needed; a statement marked in `never` (`colab_only`) is not kept, whatever reads it."""
    never = never or [False] * len(statements)
    modules = _module_names(statements)
    uses = [_uses(statement, modules) for statement in statements]
    kept = [statement.always_kept and not skip for statement, skip in zip(statements, never, strict=True)]
    needed = set().union(*(use.reads for keep, use in zip(kept, uses, strict=True) if keep))
    changed = True
    while changed:
        changed = False
        for index, use in enumerate(uses):
            if not kept[index] and not never[index] and (use.binds | use.changes) & needed:
                kept[index] = changed = True
                needed |= use.reads
    return kept


def _imports_colab(node: ast.stmt) -> bool:
    """`import google.colab`, `from google.colab(.x) import ...`, `from google import colab`."""
    if isinstance(node, ast.Import):
        return any(alias.name == COLAB or alias.name.startswith(f"{COLAB}.") for alias in node.names)
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        module = node.module
        from_google = module == "google" and any(alias.name == "colab" for alias in node.names)
        return from_google or module == COLAB or module.startswith(f"{COLAB}.")
    return False


def colab_only(statements: list[Statement]) -> list[bool]:
    """The top-level statements that work only in Colab, which the grader never runs (neither grading nor `grader
    run`): each import of google.colab, then, in notebook order, each statement that reads a name one of them bound
    (`drive.mount(...)`, `uploaded = files.upload()`, then what reads `uploaded`), until other code binds it again.
    Definitions are never among them (they run only when called), nor is an import inside a `try` (it fails softly
    outside Colab, as its `except ImportError` expects)."""
    colab_names: set[str] = set()
    found = []
    for statement in statements:
        try:  # the statement's own names: a line it shares with others (`import os; from google.colab ...`) is theirs
            binds, reads = _names(ast.unparse(statement.node))
        except SyntaxError:
            binds, reads = set(), set()
        only = not statement.is_definition and (_imports_colab(statement.node) or bool(reads & colab_names))
        colab_names = colab_names | binds if only else colab_names - binds
        found.append(only)
    return found
