"""The delivery core sits below the features: nothing in cohort/delivery imports upward."""

import ast
from pathlib import Path

import cohort

PACKAGE = Path(cohort.__file__).parent
CORE = PACKAGE / "delivery"

# What the core may build on: the app's foundations, and users (every message has one).
ALLOWED = {
    "cohort.delivery",
    "cohort.database",
    "cohort.extensions",
    "cohort.emails",
    "cohort.auth.models",
    "cohort.timezones",
    "cohort.i18n",  # the reader's language: it builds on nothing of the features either
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every cohort module a file imports (relative imports resolved), with its line."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = (
        module.rsplit(".", 1)[0] if path.name != "__init__.py" else module[: -len(".__init__")]
    )
    return _imports_of(package, path.read_text(encoding="utf-8"))


def _imports_of(package: str, source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
            found += [(node.lineno, target)] if node.module else [(node.lineno, n) for n in names]
    return [(line, name) for line, name in found if name == "cohort" or name.startswith("cohort.")]


def _allowed(name: str) -> bool:
    return any(name == base or name.startswith(base + ".") for base in ALLOWED)


def test_the_delivery_core_imports_no_feature():
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted(CORE.rglob("*.py"))
        for line, name in _imports(path)
        if not _allowed(name)
    ]
    assert upward == []


def test_the_walk_sees_imports_upward():
    """The check can fail: relative, absolute and lazy imports of a feature are all caught."""
    names = {name for _, name in _imports(CORE / "models.py")}
    assert "cohort.database" in names and "cohort.extensions" in names
    source = (
        "from ..cohorts.models import Cohort\n"
        "import cohort.meetings.models\n"
        "def f():\n    from ..notifications import reminders\n"
        "from .ledger import claim\n"
    )
    names = {name for _, name in _imports_of("cohort.delivery", source)}
    assert {name for name in names if not _allowed(name)} == {
        "cohort.cohorts.models",
        "cohort.meetings.models",
        "cohort.notifications",
    }
    assert not _allowed("cohort.cohorts.models")
    assert not _allowed("cohort.notifications.reminders")
    assert not _allowed("cohort.deliveryx")
