"""The schema, the definitions and the effects import nothing of the models, the engine or the
services at module level: the models import the definitions (no import cycle)."""
import ast
from pathlib import Path

import pytest

WORKFLOWS = Path(__file__).resolve().parent.parent.parent / "workflows"
MODULES = [WORKFLOWS / n for n in ("schema.py", "schema_checks.py", "schema_docs.py", "definitions.py",
                                   "problems.py")] + sorted((WORKFLOWS / "effects").glob("*.py"))
FORBIDDEN = ("workflows.models", "workflows.engine", "workflows.services", "workflows.announcements",
             "workflows.notifications", "workflows.outbox", "accounts.models")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_level_import_of_models_engine_or_services(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:  # module level only; imports inside functions run when called
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        assert not [n for n in names if n.startswith(FORBIDDEN)], (path.name, names)
