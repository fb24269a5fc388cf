"""The house's structure, checked from the code's own imports: no module imports a higher layer, and no two
modules import each other (directly or round a loop). The layers are CONTRIBUTING.md's picture."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parents[2] / "helpers"

#: Lowest first. A module may import its own layer and the layers below it.
LAYERS = [
    {"arns", "aws_facts", "clock", "guard", "guard_proxy", "schedule"},
    {"event_sources", "runtime", "simulate"},
    {"lambda_service"},
    {"moto_seam"},
    {"triggers"},
    {"local_cloud"},
    {"lambda_invoke", "deploy", "observe", "postgres", "notebook", "setup_check", "exercises", "__init__"},
    {"widgets"},
]

#: What draws: only the notebooks' widgets (and the set-up check, which shows that widgets render) may import it.
UI_PACKAGES = ("ipywidgets", "matplotlib", "IPython.display")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(HELPERS.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The helpers modules a file imports (``from . import x`` resolved; imports inside functions too)."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("helpers")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module.startswith("helpers"):
                found.add(module)
                found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


MODULES = {_module_name(path): path for path in HELPERS.rglob("*.py")}


def _resolve(name: str) -> str | None:
    """The module file an imported name belongs to (``helpers.lambda_service.errors.JsonRESTError`` -> its module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@functools.cache
def _graph() -> dict[str, set[str]]:
    return {name: {target for imported in _imports(path) if (target := _resolve(imported)) not in (None, name)}
            for name, path in MODULES.items()}


def _layer(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else "__init__"
    for index, members in enumerate(LAYERS):
        if top in members:
            return index
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS (and to CONTRIBUTING.md's picture)")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_its_own_layer_and_below(module):
    upward = sorted(target for target in _graph()[module]
                    if target != "helpers" and _layer(target) > _layer(module))
    assert not upward, f"{module} imports a higher layer: {upward}"


def test_no_module_imports_itself_round_a_loop():
    graph = dict(_graph())
    graph["helpers"] = set()  # the package's lazy surface imports nothing at import time
    state: dict[str, int] = {}
    loops: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                loops.append(path[path.index(target):] + [target] if target in path else [module, target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not loops, f"import loops: {loops}"


@pytest.mark.parametrize("module", sorted(name for name in MODULES if not name.startswith(("helpers.widgets",
                                                                                             "helpers.setup_check"))))
def test_the_data_plane_never_imports_ui(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    ui = sorted(name for name in names if name.startswith(UI_PACKAGES))
    assert not ui, f"{module} imports UI packages {ui}: widgets and plots belong in helpers/widgets"
