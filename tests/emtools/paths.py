"""Where things are, and how to import the addon's pure-Python lib/ and the scripts/
without Odoo."""

import importlib.machinery
import importlib.util
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ADDON_NAME = "engagement_management"
ADDON_DIR = REPO_ROOT / ADDON_NAME
LIB_PACKAGE = "engagement_management_lib"


def import_addon_lib():
    """Import engagement_management/lib as package `engagement_management_lib`.

    Importing it through `engagement_management` would run the addon's
    __init__ (models, hence odoo); lib/ is meant to need no Odoo, so it is
    loaded on its own. Submodules then import normally:
    `import_addon_lib(); from engagement_management_lib import money`.
    """
    if LIB_PACKAGE in sys.modules:
        return sys.modules[LIB_PACKAGE]
    lib_dir = ADDON_DIR / "lib"
    init = lib_dir / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        LIB_PACKAGE, init, submodule_search_locations=[str(lib_dir)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[LIB_PACKAGE] = module
    spec.loader.exec_module(module)
    return module


def load_script(name):
    """The module of ``scripts/<name>`` (``_testlib.py``, ``access-matrix``...), loaded
    once: the scripts are files to run, not a package to import."""
    module_name = "em_script_" + re.sub(r"\W", "_", name)
    if module_name not in sys.modules:
        loader = importlib.machinery.SourceFileLoader(
            module_name, str(REPO_ROOT / "scripts" / name)
        )
        module = importlib.util.module_from_spec(
            importlib.util.spec_from_loader(module_name, loader)
        )
        sys.modules[module_name] = module
        loader.exec_module(module)
    return sys.modules[module_name]
