"""The translation template covers every translatable string of the Python code."""

import ast

import polib
import pytest


def translatable_literals(source):
    """The string literals passed to ``_()`` / ``_lt()`` in a module's source."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "_lt")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_literals_are_found():
    source = 'x = _("Hello %s", a)\ny = _lt("Bye")\nz = f("not me")\n'
    assert translatable_literals(source) == {"Hello %s", "Bye"}


@pytest.fixture(scope="module")
def pot_ids(addon_dir):
    pot = addon_dir / "i18n" / "engagement_management.pot"
    assert pot.is_file(), "i18n/engagement_management.pot is missing"
    return {entry.msgid for entry in polib.pofile(str(pot))}


def test_pot_has_every_python_message(addon_dir, pot_ids):
    missing = {
        f"{path.relative_to(addon_dir)}: {literal!r}"
        for path in addon_dir.rglob("*.py")
        if "tests" not in path.parts
        for literal in translatable_literals(path.read_text())
        if literal not in pot_ids
    }
    assert not missing, (
        "re-export the .pot (odoo i18n export engagement_management):\n"
        + "\n".join(sorted(missing))
    )
