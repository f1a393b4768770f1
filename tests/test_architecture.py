"""The architecture's static rules (docs/architecture.md), checked over the source tree with `ast`.

Fast and database-free. Each failure names file:line. import-linter (the layers and forbidden
contracts in pyproject.toml) runs here too, so `pytest` alone shows every broken seam. The last
tests prove each checker can fail: it flags a small bad snippet and lets the good twin pass.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
FRONTEND = ROOT / "frontend"
CORE = BACKEND / "core"
I18N_HOME = CORE / "i18n.py"

TRANSLATION_MODULE = "django.utils.translation"
REVERSERS = {"reverse", "reverse_lazy"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


Checker = Callable[[ast.Module, str], list[Violation]]


# ---- Walking the tree ------------------------------------------------------------------------


def python_files(top: Path) -> list[Path]:
    return sorted(
        path
        for path in top.rglob("*.py")
        if "migrations" not in path.parts and "__pycache__" not in path.parts
    )


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of `if TYPE_CHECKING:` (annotations, not dependencies)."""
    for node in ast.iter_child_nodes(tree):
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield child
                yield from runtime_nodes(child)
        else:
            yield from runtime_nodes(node)


def imported_modules(node: ast.AST) -> Iterator[tuple[str, list[str]]]:
    """(module, names) for an import statement: `import a.b` gives ("a.b", []), `from a import
    b, c` gives ("a", ["b", "c"]). Relative imports are left out: the project uses none."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, []
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        yield node.module, [alias.name for alias in node.names]


def _backend_app_part(module: str, part: str) -> bool:
    """True for backend.<app>.<part> and its submodules."""
    pieces = module.split(".")
    return len(pieces) >= 3 and pieces[0] == "backend" and pieces[2] == part


def _backend_app(module: str) -> str | None:
    pieces = module.split(".")
    return pieces[1] if len(pieces) >= 2 and pieces[0] == "backend" else None


# ---- The checkers ----------------------------------------------------------------------------


def no_objects_manager(tree: ast.Module, path: str) -> list[Violation]:
    """Pages read through selectors and write through services, never through a manager."""
    return [
        Violation(path, node.lineno, f"`.objects` on `{ast.unparse(node.value)}`")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]


def _is_model_class(module: str, name: str) -> bool | None:
    """True when `module.name` is a Django model class; None when the name cannot be imported."""
    from django.db.models import Model

    try:
        value = getattr(importlib.import_module(module), name)
    except (AttributeError, ImportError):
        return None
    return isinstance(value, type) and issubclass(value, Model)


def no_runtime_model_imports(tree: ast.Module, path: str) -> list[Violation]:
    """Pages may import enums, choices and constants from backend.*.models; model classes only
    under `if TYPE_CHECKING:`."""
    found = []
    for node in runtime_nodes(tree):
        for module, names in imported_modules(node):
            if _backend_app_part(module, "models"):
                found.extend(_model_names(module, names, path, node.lineno))
            elif _backend_app(module) and "models" in names:
                found.append(Violation(path, node.lineno, f"imports the models module {module}"))
    return found


def _model_names(module: str, names: list[str], path: str, line: int) -> list[Violation]:
    if not names:
        return [Violation(path, line, f"imports the models module {module}")]
    found = []
    for name in names:
        is_model = _is_model_class(module, name)
        if is_model is None:
            found.append(Violation(path, line, f"cannot import {name} from {module}"))
        elif is_model:
            found.append(Violation(path, line, f"imports the model {module}.{name} at runtime"))
    return found


def _first_argument(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((kw.value for kw in call.keywords if kw.arg == "viewname"), None)


def _names_a_frontend_page(argument: ast.expr | None) -> bool:
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value.startswith("frontend:")
    if isinstance(argument, ast.JoinedStr) and argument.values:
        return _names_a_frontend_page(argument.values[0])
    return False


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def no_frontend_reverse(tree: ast.Module, path: str) -> list[Violation]:
    """The backend names pages (backend.core.links.PageLink); only the frontend builds their URLs."""
    return [
        Violation(path, node.lineno, f"builds a page URL: {ast.unparse(node)}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _called_name(node) in REVERSERS
        and _names_a_frontend_page(_first_argument(node))
    ]


def _names_import_error(handler_type: ast.expr | None) -> bool:
    if handler_type is None:
        return False
    if isinstance(handler_type, ast.Tuple):
        return any(_names_import_error(element) for element in handler_type.elts)
    if isinstance(handler_type, ast.Name):
        return handler_type.id in IMPORT_ERRORS
    return isinstance(handler_type, ast.Attribute) and handler_type.attr in IMPORT_ERRORS


def no_import_error_fallbacks(tree: ast.Module, path: str) -> list[Violation]:
    """Apps depend on each other through the layers, not through optional imports."""
    return [
        Violation(path, node.lineno, f"except {ast.unparse(node.type)}")
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _names_import_error(node.type)
    ]


def _translation_bindings(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Local names bound to `django.utils.translation.override`, and to the module itself."""
    functions, modules = {"override"}, {"translation"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == TRANSLATION_MODULE:
            functions |= {a.asname or a.name for a in node.names if a.name == "override"}
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules |= {a.asname or a.name for a in node.names if a.name == "translation"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == TRANSLATION_MODULE and a.asname}
    return functions, modules


def no_language_override(tree: ast.Module, path: str) -> list[Violation]:
    """Messages in someone's language go through backend.core.i18n (in_language_of), which also
    falls back to Dutch; nothing else switches the active language."""
    functions, modules = _translation_bindings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        bare = isinstance(func, ast.Name) and func.id in functions
        on_module = (
            isinstance(func, ast.Attribute)
            and func.attr == "override"
            and ast.unparse(func.value) in modules | {TRANSLATION_MODULE}
        )
        if bare or on_module:
            found.append(Violation(path, node.lineno, f"switches language: {ast.unparse(node)}"))
    return found


def no_api_imports(tree: ast.Module, path: str) -> list[Violation]:
    """Pages call the same selectors and services as the API, never the API modules."""
    found = []
    for node in ast.walk(tree):
        for module, names in imported_modules(node):
            if _backend_app_part(module, "apis") or (_backend_app(module) and "apis" in names):
                found.append(Violation(path, node.lineno, f"imports the API layer ({module})"))
    return found


def no_app_imports(tree: ast.Module, path: str) -> list[Violation]:
    """core is the bottom layer: it imports no other backend package, not even for types."""
    found = []
    for node in ast.walk(tree):
        for module, names in imported_modules(node):
            apps = {_backend_app(module)} if module != "backend" else set(names)
            found.extend(
                Violation(path, node.lineno, f"core imports backend.{app}")
                for app in sorted(a for a in apps - {"core"} if a)
            )
    return found


# ---- The rules over the tree -----------------------------------------------------------------


def violations(checker: Checker, files: list[Path]) -> list[str]:
    found = [v for path in files for v in checker(parsed(path), relative(path))]
    return [str(v) for v in sorted(found, key=lambda v: (v.path, v.line))]


def report(found: list[str], rule: str) -> str:
    return f"{rule} ({len(found)}):\n  " + "\n  ".join(found)


def test_pages_never_use_a_model_manager():
    found = violations(no_objects_manager, python_files(FRONTEND))
    assert not found, report(
        found, "`.objects` in frontend/: read via selectors, write via services"
    )


def test_pages_import_only_enums_and_constants_from_models_at_runtime():
    _django_ready()
    found = violations(no_runtime_model_imports, python_files(FRONTEND))
    assert not found, report(found, "model classes in frontend/ only under `if TYPE_CHECKING:`")


def test_the_backend_never_reverses_a_frontend_url():
    found = violations(no_frontend_reverse, python_files(BACKEND))
    assert not found, report(found, 'reverse("frontend:…") in backend/: use PageLink')


def test_the_backend_has_no_import_error_fallbacks():
    found = violations(no_import_error_fallbacks, python_files(BACKEND))
    assert not found, report(found, "`except ImportError` in backend/: import through the layers")


def test_only_core_i18n_switches_the_language():
    files = [p for p in python_files(BACKEND) + python_files(FRONTEND) if p != I18N_HOME]
    found = violations(no_language_override, files)
    assert not found, report(found, "override(): use backend.core.i18n.in_language_of")


def test_pages_never_import_the_api_layer():
    found = violations(no_api_imports, python_files(FRONTEND))
    assert not found, report(found, "backend.*.apis imported in frontend/")


def test_core_imports_no_other_backend_app():
    found = violations(no_app_imports, python_files(CORE))
    assert not found, report(found, "backend/core imports an app")


def test_the_import_contracts_hold():
    """The layers and forbidden contracts of pyproject.toml ([tool.importlinter])."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _django_ready() -> None:
    """The model check imports backend modules; under plain pytest, set Django up first."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
        django.setup()


# ---- Each checker can fail -------------------------------------------------------------------

SNIPPETS = [
    (
        no_objects_manager,
        "from backend.offers.selectors import offers_visible_to\nrows = offers_visible_to(user)\n",
        "from backend.offers.models import Offer\nrows = Offer.objects.all()\n",
    ),
    (
        no_runtime_model_imports,
        "from typing import TYPE_CHECKING\n"
        "from backend.accounts.models import Role\n"
        "if TYPE_CHECKING:\n    from backend.accounts.models import User\n",
        "from backend.accounts.models import Role, User\n",
    ),
    (
        no_frontend_reverse,
        'link = PageLink("offer-detail", offer.pk)\nurl = reverse("api:offer-list")\n',
        'url = reverse("frontend:offer-detail", args=[offer.pk])\n',
    ),
    (
        no_frontend_reverse,
        'url = reverse_lazy(viewname="admin:index")\n',
        'url = urls.reverse_lazy(f"frontend:{name}")\n',
    ),
    (
        no_import_error_fallbacks,
        "try:\n    x = 1\nexcept (KeyError, ValueError):\n    x = 2\n",
        "try:\n    from backend.agreements import x\nexcept (KeyError, ImportError):\n    x = None\n",
    ),
    (
        no_language_override,
        "from backend.core.i18n import in_language_of\nwith in_language_of(user):\n    pass\n",
        "from django.utils.translation import override as lang\nwith lang('en'):\n    pass\n",
    ),
    (
        no_language_override,
        "settings.override(x=1)\n",
        "from django.utils import translation\nwith translation.override('en'):\n    pass\n",
    ),
    (
        no_api_imports,
        "from backend.offers.services import offer_publish\n",
        "from backend.offers.apis.offers import OfferListApi\n",
    ),
    (
        no_app_imports,
        "from backend.core.models import TimeStampedModel\nimport django.db\n",
        "from backend import accounts\nfrom backend.accounts.models import User\n",
    ),
]


@pytest.mark.parametrize(
    ("checker", "good", "bad"),
    SNIPPETS,
    ids=[f"{checker.__name__}-{n}" for n, (checker, _, _) in enumerate(SNIPPETS)],
)
def test_each_checker_flags_its_bad_snippet_and_passes_the_good_one(checker, good, bad):
    _django_ready()
    assert checker(ast.parse(good), "good.py") == []
    flagged = checker(ast.parse(bad), "bad.py")
    assert flagged
    assert all(v.path == "bad.py" for v in flagged)
    assert all(v.line >= 1 for v in flagged)
