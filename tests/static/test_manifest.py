"""The manifest is complete and lists exactly the addon's data files."""

from emtools import checks

GOOD_MANIFEST = {
    "name": "Engagement Management",
    "summary": "From presales to close",
    "version": "19.0.1.0.0",
    "license": "LGPL-3",
    "author": "Engagement Management Developers",
    "website": "https://example.com/engagement",
    "category": "Services/Project",
    "depends": list(checks.REQUIRED_DEPENDS),
    "data": [],
    "demo": [],
    "installable": True,
    "application": True,
    "maintainers": ["someone"],
    "development_status": "Beta",
}


def test_manifest_keys_are_complete(manifest):
    problems = checks.manifest_problems(manifest)
    assert not problems, "manifest problems:\n" + "\n".join(problems)


def test_manifest_lists_existing_files_and_all_data_files(addon_dir, manifest):
    problems = checks.manifest_file_problems(addon_dir, manifest)
    assert not problems, "manifest file problems:\n" + "\n".join(problems)


# --- the checker itself catches what it claims to ---------------------------


def test_checker_accepts_a_good_manifest():
    assert checks.manifest_problems(GOOD_MANIFEST) == []


def test_checker_flags_missing_license():
    bad = {k: v for k, v in GOOD_MANIFEST.items() if k != "license"}
    assert any("'license'" in p for p in checks.manifest_problems(bad))


def test_checker_flags_wrong_license_version_and_flags():
    bad = dict(GOOD_MANIFEST, license="AGPL-3", version="18.0.1.0.0", application=False)
    problems = "\n".join(checks.manifest_problems(bad))
    assert "license" in problems
    assert "version" in problems
    assert "application" in problems


def test_checker_flags_missing_dependency():
    bad = dict(GOOD_MANIFEST, depends=["crm", "mail"])
    problems = checks.manifest_problems(bad)
    assert "depends lacks 'sale_project'" in problems


def test_checker_flags_missing_and_unlisted_files(tmp_path):
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "listed.xml").write_text("<odoo/>")
    (tmp_path / "views" / "forgotten.xml").write_text("<odoo/>")
    manifest = dict(GOOD_MANIFEST, data=["views/listed.xml", "security/gone.csv"])
    problems = checks.manifest_file_problems(tmp_path, manifest)
    assert "listed but missing: security/gone.csv" in problems
    assert "not listed in the manifest: views/forgotten.xml" in problems
    assert not any("listed.xml" in p and "forgotten" not in p for p in problems)
