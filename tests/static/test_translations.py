"""The translation template covers every translatable string of the Python code."""

import ast
import re
import shutil
import subprocess

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


# The languages the addon ships, each complete against the template.
LANGUAGES = ("fr", "de", "es")
PLACEHOLDER = re.compile(r"%\([a-zA-Z0-9_]+\)[sdfr]|%[sdfr]|\{[a-zA-Z0-9_]*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9_.:-]*)")


def _markers(text):
    """What a translation must carry over from its source: placeholders and markup."""
    return sorted(PLACEHOLDER.findall(text)), TAG.findall(text)


def test_markers_are_found():
    assert _markers("<b>%(name)s</b> owes %s {0} <br/>") == (
        ["%(name)s", "%s", "{0}"],
        ["b", "b", "br"],
    )


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request, addon_dir):
    path = addon_dir / "i18n" / f"{request.param}.po"
    assert path.is_file(), f"i18n/{request.param}.po is missing"
    return path, polib.pofile(str(path))


def test_catalog_is_complete_and_not_fuzzy(catalog, pot_ids):
    path, po = catalog
    translated = {entry.msgid for entry in po if entry.msgstr.strip() and not entry.obsolete}
    fuzzy = sorted(entry.msgid for entry in po if "fuzzy" in entry.flags)
    missing = sorted(pot_ids - translated - {""})
    assert not missing, f"{path.name}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{path.name}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_catalog_keeps_placeholders_and_markup(catalog):
    path, po = catalog
    broken = [
        entry.msgid
        for entry in po
        if entry.msgstr and _markers(entry.msgid) != _markers(entry.msgstr)
    ]
    assert not broken, f"{path.name}: markers differ in {len(broken)} entries, e.g. {broken[:3]}"


def test_catalog_compiles(catalog):
    path, _po = catalog
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (GNU gettext) is needed to check the catalogues"
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_catalog_language_header(catalog):
    path, po = catalog
    assert po.metadata.get("Language") == path.stem
