"""The package's shape: no import cycles among its modules, lazy imports inside functions
included (a cycle there works until the day the two modules start importing each other at load
time, and it always means two modules that cannot be understood apart).

Imports under `if TYPE_CHECKING:` are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "duchá"
NAME = PACKAGE.name


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom,
             known: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    if node.level:
        base = module.split(".")
        if path.name != "__init__.py":
            base = base[:-1]
        base = base[:len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    out = set()
    for alias in node.names:
        full = f"{source}.{alias.name}"
        if full in known:
            out.add(full)  # `from duchá import items`: the module items
        elif source in known:
            out.add(source)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere (top level or inside functions)."""
    known = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_only = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                type_only.update(id(n) for n in ast.walk(node))
        deps: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in type_only:
                deps |= _targets(module, path, node, known)
        # A package's __init__ is imported with any of its modules: not an edge of interest.
        graph[module] = {d for d in deps if d != module and d != NAME}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_finder_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_imports() -> None:
    graph = import_graph()
    # commands import their services inside the command functions only
    assert f"{NAME}.services.items" in graph[f"{NAME}.commands.items"]


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    shown = "; ".join(" <-> ".join(group) for group in found)
    assert not found, f"import cycles: {shown}"


def test_each_record_table_is_described_once() -> None:
    """tables.RECORDS is what numbering, export and the history's snapshots read: its refs and
    links are columns of the table's spreadsheet, fields of the model, and exactly the
    references and lists the history pins."""
    import duchá.models as m
    from duchá.history.replay import KINDS
    from duchá.services.numbers import WIDTH
    from duchá.tables import RECORDS, TABLES, stored, table_of

    for rec in RECORDS.values():
        names = {c.name for c in stored(rec.table)}
        # Read from a 台账 but no field (an item's 进展情况 becomes a progress note): never a
        # column of the model.
        assert not {c.name for c in TABLES[rec.table] if not c.stored} & set(
            table_of(getattr(m, rec.model)).c.keys())
        model = table_of(getattr(m, rec.model))
        kind = KINDS[rec.kind]
        assert {r.name for r in kind.refs} == {r.name for r in rec.refs}
        assert {lk.name for lk in kind.links} == {lk.name for lk in rec.links}
        for ref in rec.refs:
            assert ref.name in names and ref.column in model.c
        for link in rec.links:
            assert link.name in names and link.parent in table_of(getattr(m, link.table)).c
        plain = names - {r.name for r in rec.refs} - {lk.name for lk in rec.links}
        assert plain <= set(model.c.keys()), plain - set(model.c.keys())
        if rec.prefix:
            assert WIDTH[rec.prefix] == rec.width


# Below the commands, an error names no command-line flag: the same check runs for a command
# and for an import, and only the reader's side knows whether the value came from `--due` or
# from a column 落实时限 (validation.Invalid writes «due» and each side fills it in).  A
# suggestion of a whole command to type, in backticks, is not a flag.
BELOW_THE_COMMANDS = ("services", "checks", "transfer", "history", "reports", "storage")
ERRORS = {"BadInput", "NotFound", "Invalid", "LedgerUnusable"}


def _raised_text(node: ast.Raise) -> str | None:
    call = node.exc
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name not in ERRORS:
        return None
    parts = [n.value for arg in call.args for n in ast.walk(arg)
             if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return "".join(parts)


def test_errors_below_the_commands_name_no_flag() -> None:
    import re

    offenders = []
    for folder in BELOW_THE_COMMANDS:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = _raised_text(node) if isinstance(node, ast.Raise) else None
                if text is None:
                    continue
                bare = re.sub(r"`[^`]*`", "", text)
                if re.search(r"(?<![\w-])--[a-z]", bare):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {text}")
    assert not offenders, "\n".join(offenders)


def test_an_error_names_the_flag_on_the_command_line_and_the_column_in_a_file(
        tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from duchá.cli import app

    db = tmp_path / "l.db"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    r = CliRunner().invoke(app, ["--db", str(db), "plan", "quota", "set", "2027", "--max", "-1"])
    assert (r.exit_code, r.stderr) == (2, "error: --max must be between 0 and 100000, not -1\n")
    sheet = tmp_path / "q.csv"
    sheet.write_text("年度,计划上限\n2027,-1\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["--db", str(db), "import", "quotas", str(sheet)])
    assert r.exit_code == 2
    assert r.stderr.endswith("line 2: 计划上限 must be between 0 and 100000, not -1\n"), r.stderr
