"""A ``noupdate`` record changed since the last release reaches the databases installed
from it: the current version's post-migrate names it in ``REFRESHED`` (an update alone
skips it). Compares the data files with the released ones, from this clone's history."""

import ast
import re
import subprocess

import pytest
from lxml import etree

from emtools import paths
from emtools.releases import LAST_RELEASE, RELEASES

ADDON = paths.ADDON_NAME
PARSER = etree.XMLParser(remove_comments=True, remove_blank_text=True)


def _git(*args):
    return subprocess.run(
        ["git", "-C", str(paths.REPO_ROOT), *args], capture_output=True, check=False
    )


def _manifest(commit=None):
    source = (
        _git("show", f"{commit}:{ADDON}/__manifest__.py").stdout.decode()
        if commit
        else (paths.ADDON_DIR / "__manifest__.py").read_text()
    )
    return ast.literal_eval(source)


def _noupdate_records(commit=None):
    """``{xml id: its definition, whitespace aside}`` of the records in ``noupdate``
    blocks of the data files, now or at ``commit``."""
    records = {}
    for path in _manifest(commit)["data"]:
        if not path.endswith(".xml"):
            continue
        if commit:
            shown = _git("show", f"{commit}:{ADDON}/{path}")
            if shown.returncode:
                continue  # a file added since: its records are new, hence created
            content = shown.stdout
        else:
            content = (paths.ADDON_DIR / path).read_bytes()
        root = etree.fromstring(content, PARSER)
        for block in root.xpath("descendant-or-self::*[@noupdate]"):
            if block.get("noupdate").lower() not in ("1", "true"):
                continue
            for record in block.iter("record"):
                text = etree.tostring(record, encoding="unicode")
                records[record.get("id")] = re.sub(r"\s+", " ", text).replace("> <", "><")
    return records


def _changed(old, new):
    old_records, new_records = _noupdate_records(old), _noupdate_records(new)
    return {
        name
        for name, definition in new_records.items()
        if name in old_records and old_records[name] != definition
    }


def _refreshed(version):
    script = paths.ADDON_DIR / "migrations" / version / "post-migrate.py"
    if not script.exists():
        return set()
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "REFRESHED" for target in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


@pytest.fixture(scope="module", autouse=True)
def _history():
    for version, commit in RELEASES:
        assert _git("cat-file", "-e", f"{commit}^{{commit}}").returncode == 0, (
            f"release {version} ({commit}) is not in this clone's history (git fetch --unshallow)"
        )


def test_every_noupdate_record_changed_since_the_last_release_is_reloaded():
    version, commit = LAST_RELEASE
    current = _manifest()["version"]
    changed = _changed(commit, None)
    if changed:
        assert current != version, f"{sorted(changed)} changed: bump the version"
    missing = changed - _refreshed(current)
    assert not missing, (
        f"noupdate records changed since {version} that migrations/{current}/"
        f"post-migrate.py does not reload (REFRESHED): {sorted(missing)}"
    )
    unknown = _refreshed(current) - set(_noupdate_records())
    assert not unknown, f"REFRESHED names records no data file defines: {sorted(unknown)}"


def test_the_comparison_finds_what_the_last_release_changed():
    # 19.0.1.1.0 rewrote the member and portal rules (its post-migrate writes them):
    # the comparison must see those changes, or the test above would prove nothing.
    (__, first), (__, second) = RELEASES[0], RELEASES[1]
    assert {
        "engagement_engagement_rule_member",
        "engagement_change_order_rule_member",
        "engagement_change_order_rule_portal",
        "engagement_deliverable_rule_portal",
    } <= _changed(first, second)


def test_the_manifest_version_is_past_the_last_release():
    def key(version):
        return tuple(int(part) for part in version.split("."))

    assert key(_manifest()["version"]) >= key(LAST_RELEASE[0])
