"""core and lib sit below every domain app: they import none of them."""

import ast
import pathlib

import tongxin

ROOT = pathlib.Path(tongxin.__file__).parent
BASE = {"core", "lib"}
APPS = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _imports(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_core_and_lib_import_no_domain_app():
    wrong = []
    for base in BASE:
        for path in (ROOT / base).rglob("*.py"):
            for line, module in _imports(path):
                parts = module.split(".")
                if parts[0] == "tongxin" and len(parts) > 1 and parts[1] not in BASE:
                    wrong.append(f"{path.relative_to(ROOT.parent)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_layer_check_sees_domain_apps():
    """The check above would notice: there are domain apps, and this file's parser finds a
    domain import where one is written."""
    assert {"orgs", "people", "accounts"} <= APPS
    sample = ROOT / "orgs" / "views" / "courts.py"  # views became a package on main
    assert any(m.startswith("tongxin.orgs") for _l, m in _imports(sample))
