"""Shared fixtures for the suites that run outside Odoo's process.

Nothing here imports odoo: these suites must collect and run on a machine
where only the addon's source is available. Suites that need a live Odoo use
the env vars exported by scripts/test (EM_TEST_DB, EM_ODOO_CONFIG,
EM_ADDONS_PATH, EM_TEST_HTTP_PORT, EM_TEST_WORKDIR).
"""

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:  # makes `emtools` importable (importlib mode)
    sys.path.insert(0, str(TESTS_DIR))

from emtools import checks, paths  # noqa: E402


@pytest.fixture(scope="session")
def repo_root():
    return paths.REPO_ROOT


@pytest.fixture(scope="session")
def addon_dir():
    if not (paths.ADDON_DIR / "__manifest__.py").is_file():
        pytest.fail(f"{paths.ADDON_DIR}/__manifest__.py not found")
    return paths.ADDON_DIR


@pytest.fixture(scope="session")
def manifest(addon_dir):
    return checks.read_manifest(addon_dir / "__manifest__.py")


@pytest.fixture(scope="session")
def addon_lib(addon_dir):
    """The addon's pure-Python lib/ package, imported without Odoo."""
    return paths.import_addon_lib()
