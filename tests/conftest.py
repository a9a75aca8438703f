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


LIVE_DB_VARS = ("EM_TEST_DB", "EM_ODOO_CONFIG")


def pytest_collection_modifyitems(config, items):
    """Suites marked live_db run on the database scripts/test installed. Without it
    (a plain `pytest tests`) they are deselected, not skipped: scripts/test always sets
    the variables, and there a skip would fail the run."""
    import os

    if all(os.environ.get(name) for name in LIVE_DB_VARS):
        return
    live = [item for item in items if item.get_closest_marker("live_db")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if not item.get_closest_marker("live_db")]
        config._em_live_deselected = len(live)


def pytest_terminal_summary(terminalreporter, config):
    count = getattr(config, "_em_live_deselected", 0)
    if count:
        terminalreporter.write_line(
            f"{count} live-database test(s) deselected: {' and '.join(LIVE_DB_VARS)} are not "
            "set (scripts/test sets them)."
        )
